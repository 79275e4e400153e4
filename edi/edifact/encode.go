package edifact

import (
	"strconv"
	"unicode/utf8"
)

// Seg makes a segment to write: its tag and its data elements, each a list of components.
func Seg(tag string, elements ...[]string) Segment {
	return Segment{Tag: tag, Elements: elements}
}

// E makes a data element of its components.
func E(components ...string) []string { return components }

// Writer builds an interchange in syntax level UNOC (ISO 8859-1) with the default delimiters,
// escaping service characters with the release character.
type Writer struct {
	d   Delimiters
	buf []byte
	// segments counts the segments written since the last UNH, UNH included.
	segments int
}

// NewWriter starts an interchange with the default delimiters.
func NewWriter() *Writer { return &Writer{d: DefaultDelimiters} }

// Write appends segments. Empty trailing data elements and components are left out, as ISO 9735
// asks; empty ones before a value stay as bare separators.
func (w *Writer) Write(segs ...Segment) {
	for _, s := range segs {
		if s.Tag == "UNH" {
			w.segments = 0
		}
		w.buf = append(w.buf, s.Tag...)
		els := s.Elements
		for len(els) > 0 && empty(els[len(els)-1]) {
			els = els[:len(els)-1]
		}
		for _, el := range els {
			w.buf = append(w.buf, w.d.Element)
			for len(el) > 0 && el[len(el)-1] == "" {
				el = el[:len(el)-1]
			}
			for i, c := range el {
				if i > 0 {
					w.buf = append(w.buf, w.d.Component)
				}
				w.value(c)
			}
		}
		w.buf = append(w.buf, w.d.Segment)
		w.segments++
	}
}

func empty(el []string) bool {
	for _, c := range el {
		if c != "" {
			return false
		}
	}
	return true
}

// value writes v in ISO 8859-1: a character outside it becomes '?', a service character is released.
func (w *Writer) value(v string) {
	for _, r := range v {
		if r == utf8.RuneError || r > 0xff || r < ' ' || r >= 0x7f && r < 0xa0 {
			r = '?'
		}
		c := byte(r)
		if c == w.d.Component || c == w.d.Element || c == w.d.Segment || c == w.d.Release {
			w.buf = append(w.buf, w.d.Release)
		}
		w.buf = append(w.buf, c)
	}
}

// EndMessage writes the UNT of the message ref: its count is the segments since UNH, UNT included.
func (w *Writer) EndMessage(ref string) {
	w.Write(Seg("UNT", E(strconv.Itoa(w.segments+1)), E(ref)))
}

// Bytes is what was written.
func (w *Writer) Bytes() []byte { return w.buf }
