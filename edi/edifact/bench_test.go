package edifact

import (
	"fmt"
	"testing"
)

// BenchmarkParse reads an interchange of 10,000 CODECO gate-out messages (the size of issue 16's
// benchmark): the tokenizer's share of applying it.
func BenchmarkParse(b *testing.B) {
	w := NewWriter()
	w.Write(Seg("UNB", E(LevelA, "2"), E("TERMINAL0100", "ZZZ"), E("PORTLIGHT", "ZZZ"), E("261206", "0815"), E("BENCH")))
	const n = 10000
	for i := range n {
		ref := fmt.Sprint(i + 1)
		w.Write(Seg("UNH", E(ref), E("CODECO", "D", "95B", "UN", "ITG14")),
			Seg("BGM", E("36"), E("GO"+ref), E("9")),
			Seg("NAD", E("MS"), E("TERMINAL0100", "160", "ZZZ")),
			Seg("EQD", E("CN"), E(fmt.Sprintf("MSCU%06d5", i)), E("45G1", "102", "5"), E(), E("3"), E("5")),
			Seg("RFF", E("BN", "BL"+ref)),
			Seg("DTM", E("7", "202612060810", "203")),
			Seg("LOC", E("165"), E("BEANR", "139", "6"), E("0100", "TER", "ZZZ")),
			Seg("CNT", E("16", "1")))
		w.EndMessage(ref)
	}
	w.Write(Seg("UNZ", E(fmt.Sprint(n)), E("BENCH")))
	data := w.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ic, err := Parse(data)
		if err != nil || len(ic.Messages) != n {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "messages/s")
}
