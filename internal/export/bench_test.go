package export_test

import (
	"context"
	"testing"

	"github.com/zerodraft/zerodraft/internal/docximport"
	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/export/akn"
	"github.com/zerodraft/zerodraft/internal/export/docx"
	"github.com/zerodraft/zerodraft/internal/export/pdf"
	"github.com/zerodraft/zerodraft/internal/negotiation"
	"github.com/zerodraft/zerodraft/internal/testtext"
)

// realPair parses the two real texts and carries the keys of the first to
// the second, as issuing the second as the next version would.
func realPair(b *testing.B) (from, to []negotiation.Provision) {
	b.Helper()
	var err error
	if from, _, err = drafting.FromText(testtext.Real(b, "ZERODRAFT_REALTEXT_OLD")); err != nil {
		b.Fatal(err)
	}
	if to, _, err = drafting.FromText(testtext.Real(b, "ZERODRAFT_REALTEXT_NEW")); err != nil {
		b.Fatal(err)
	}
	used := map[string]bool{}
	drafting.CarryKeys(nil, used, from)
	for _, p := range from {
		used[p.Key] = true
	}
	drafting.CarryKeys(from, used, to)
	return from, to
}

var meta = export.Meta{Symbol: "UNEP/PP/INC.5/4", Title: "Chair's text", Language: "en", Version: 2}

func BenchmarkExportRealText(b *testing.B) {
	from, to := realPair(b)
	b.Run("docx", func(b *testing.B) {
		for b.Loop() {
			if _, err := docx.Clean(meta, to); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("redline", func(b *testing.B) {
		for b.Loop() {
			if _, err := docx.Redline(meta, from, to, docx.Changes{Fallback: "Secretariat"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("akn", func(b *testing.B) {
		for b.Loop() {
			akn.Version(meta, to)
		}
	})
	b.Run("import-redline", func(b *testing.B) {
		file, err := docx.Redline(meta, from, to, docx.Changes{Fallback: "Secretariat"})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(file)))
		for b.Loop() {
			if _, err := docximport.Read(file, docximport.Accept); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("pdf", func(b *testing.B) {
		r := pdf.New()
		if !r.Available() {
			b.Skip("no Chromium")
		}
		for b.Loop() {
			if _, err := r.Version(context.Background(), meta, to); err != nil {
				b.Fatal(err)
			}
		}
	})
}
