package export_test

import (
	"encoding/json"
	"testing"

	"github.com/zerodraft/zerodraft/internal/drafting"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
)

func TestText(t *testing.T) {
	out := export.Text(exporttest.Meta(), exporttest.To())
	exporttest.Golden(t, "version.txt", out)
	// The provisions import back as they were (after the three header lines).
	provs, _, err := drafting.FromText(string(out))
	if err != nil {
		t.Fatal(err)
	}
	want := exporttest.To()
	if len(provs) != len(want)+3 {
		t.Fatalf("%d provisions read back, want %d", len(provs), len(want)+3)
	}
	for i, p := range want {
		if got := provs[i+3]; got.FullText() != p.FullText() || got.Kind != p.Kind {
			t.Errorf("provision %d: %+v, want %+v", i, got, p)
		}
	}
}

func TestJSON(t *testing.T) {
	out, err := export.JSON(exporttest.Meta(), exporttest.To())
	if err != nil {
		t.Fatal(err)
	}
	exporttest.Golden(t, "version.json", out)
	var back export.Document
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if back.Symbol != "A/C.2/80/L.5" || len(back.Provisions) != 6 || back.Provisions[2].Text != "Noting with concern 海洋污染 and التلوث البحري," {
		t.Errorf("read back: %+v", back)
	}
}

func TestFileNames(t *testing.T) {
	for _, c := range []struct{ symbol, suffix, ext, want string }{
		{"A/C.2/80/L.5", "", "docx", "A-C.2-80-L.5_v3.docx"},
		{"UNEP/PP/INC.5/4", "redline-v2", "docx", "UNEP-PP-INC.5-4_v3_redline-v2.docx"},
		{"../../etc/passwd", "", "txt", "etc-passwd_v3.txt"},
		{"决议 草案", "", "pdf", "决议-草案_v3.pdf"},
		{"///", "", "json", "document_v3.json"},
	} {
		if got := export.FileName(c.symbol, 3, c.suffix, c.ext); got != c.want {
			t.Errorf("%q: %q, want %q", c.symbol, got, c.want)
		}
	}
	if got := export.Disposition("决议-草案_v3.pdf"); got != "attachment; filename*=utf-8''%E5%86%B3%E8%AE%AE-%E8%8D%89%E6%A1%88_v3.pdf" {
		t.Errorf("disposition: %s", got)
	}
}
