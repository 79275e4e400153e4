// Package i18n is the console's one catalogue of texts: every word the console shows, in English
// (the first language) and Dutch. A text is looked up by its key; a key missing from a language
// falls back to English, and a key missing altogether shows itself, which the catalogue's test
// catches for every key the templates and handlers use.
package i18n

import (
	"fmt"
	"strings"
)

// Lang is a language of the console.
type Lang string

// The console's languages; English first.
const (
	English Lang = "en"
	Dutch   Lang = "nl"
)

// Langs lists the languages, in the order the language switch offers them.
var Langs = []Lang{English, Dutch}

// Parse returns the language a code names, and false for one the console does not speak.
func Parse(code string) (Lang, bool) {
	code = strings.ToLower(strings.TrimSpace(code))
	for _, l := range Langs {
		if code == string(l) || strings.HasPrefix(code, string(l)+"-") {
			return l, true
		}
	}
	return English, false
}

// FromAcceptLanguage picks the first language of an Accept-Language header the console speaks.
func FromAcceptLanguage(header string) Lang {
	for _, part := range strings.Split(header, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l, ok := Parse(tag); ok {
			return l
		}
	}
	return English
}

// Printer renders the catalogue's texts in one language.
type Printer struct{ lang Lang }

// New returns a printer for lang.
func New(lang Lang) *Printer { return &Printer{lang: lang} }

// Lang is the printer's language.
func (p *Printer) Lang() Lang { return p.lang }

// T returns the text of key, formatted with args (fmt verbs) when it has any.
func (p *Printer) T(key string, args ...any) string {
	texts, ok := catalogue[key]
	if !ok {
		return key
	}
	s := texts[English]
	if t, ok := texts[p.lang]; ok && t != "" {
		s = t
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Has reports whether key is in the catalogue.
func Has(key string) bool { _, ok := catalogue[key]; return ok }

// Missing returns the keys without a text in lang.
func Missing(lang Lang) []string {
	var out []string
	for k, texts := range catalogue {
		if texts[lang] == "" {
			out = append(out, k)
		}
	}
	return out
}
