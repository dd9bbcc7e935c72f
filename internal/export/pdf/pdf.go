// Package pdf prints negotiation texts to PDF with headless Chromium: the
// text is laid out as an HTML page with a print stylesheet (page.html) and
// Chromium prints it, so Arabic is shaped and set right to left and
// Chinese is set with the fonts of Debian's Noto packages, as in a browser.
//
// A server without Chromium can still run: New reports the renderer as
// unavailable, and Render then returns ErrUnavailable with a sentence that
// says so, which the pages and the API pass on.
package pdf

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/zerodraft/zerodraft/internal/compilation"
	"github.com/zerodraft/zerodraft/internal/export"
	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// ErrUnavailable is returned when no Chromium is installed on the server.
var ErrUnavailable = errors.New("PDF export is not available on this server: it needs Chromium (Debian package chromium), which is not installed. The DOCX, Akoma Ntoso and text exports work without it")

// browsers are the executables looked for, in order.
var browsers = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// timeout bounds one rendering, the browser's start included.
const timeout = 60 * time.Second

// Renderer prints pages with one Chromium process per PDF, at most one at
// a time (printing is CPU-bound; a queue is fairer than thrashing).
type Renderer struct {
	path string
	slot chan struct{}
}

// New finds Chromium on PATH. The renderer is usable either way; without
// Chromium it only answers ErrUnavailable.
func New() *Renderer {
	r := &Renderer{slot: make(chan struct{}, 1)}
	for _, name := range browsers {
		if p, err := exec.LookPath(name); err == nil {
			r.path = p
			break
		}
	}
	return r
}

// Available reports whether PDFs can be made here.
func (r *Renderer) Available() bool { return r != nil && r.path != "" }

//go:embed page.html
var pageHTML string

var pageTmpl = template.Must(template.New("page").Parse(pageHTML))

// Run is a piece of a paragraph; Class is "" for plain text, or one of
// "num", "opt" (a proposal's text), "attr" (an attribution), "del".
type Run struct{ Text, Class string }

// Para is one paragraph of the page; Class is the provision's kind.
type Para struct {
	Class string
	Runs  []Run
}

type pageData struct {
	Symbol, Title, Label, Lang, Dir string
	Paras                           []Para
}

// Page gives the print page of paragraphs paras of the document m
// describes; it is what Render prints.
func Page(m export.Meta, paras []Para) ([]byte, error) {
	dir := "ltr"
	if m.RTL() {
		dir = "rtl"
	}
	var b bytes.Buffer
	err := pageTmpl.Execute(&b, pageData{Symbol: m.Symbol, Title: m.Title, Label: m.Label, Lang: m.Language, Dir: dir, Paras: paras})
	return b.Bytes(), err
}

// VersionParas lays out the provisions of a version.
func VersionParas(provs []negotiation.Provision) []Para {
	out := make([]Para, len(provs))
	for i, p := range provs {
		var runs []Run
		if p.Label != "" {
			runs = append(runs, Run{Text: p.Label + " ", Class: "num"})
		}
		out[i] = Para{Class: string(p.Kind), Runs: append(runs, Run{Text: p.Text})}
	}
	return out
}

// CompilationParas lays out a compilation text line by line as
// compilation.Text does, proposals in bold and attributions in italics.
func CompilationParas(c compilation.Compilation) []Para {
	var out []Para
	for _, line := range strings.Split(strings.TrimRight(compilation.Text(c), "\n"), "\n") {
		switch line {
		case "":
			continue
		case "Orphaned proposals", "Provenance":
			out = append(out, Para{Class: "section", Runs: []Run{{Text: line}}})
		default:
			out = append(out, Para{Runs: []Run{{Text: line}}})
		}
	}
	return out
}

// Version prints a version.
func (r *Renderer) Version(ctx context.Context, m export.Meta, provs []negotiation.Provision) ([]byte, error) {
	html, err := Page(m, VersionParas(provs))
	if err != nil {
		return nil, err
	}
	return r.Render(ctx, html)
}

// Compilation prints a compilation text.
func (r *Renderer) Compilation(ctx context.Context, m export.Meta, c compilation.Compilation) ([]byte, error) {
	html, err := Page(m, CompilationParas(c))
	if err != nil {
		return nil, err
	}
	return r.Render(ctx, html)
}

// Render prints an HTML page to an A4 PDF. The page is handed to the
// browser directly, never loaded from the network.
func (r *Renderer) Render(ctx context.Context, html []byte) ([]byte, error) {
	if !r.Available() {
		return nil, ErrUnavailable
	}
	select {
	case r.slot <- struct{}{}:
		defer func() { <-r.slot }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(r.path),
		chromedp.Headless,
		chromedp.DisableGPU,
		// Nothing may be fetched: the page is self-contained.
		chromedp.Flag("proxy-server", "127.0.0.1:9"),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox) // Chromium refuses to sandbox as root
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	defer cancelAlloc()
	tab, cancelTab := chromedp.NewContext(alloc)
	defer cancelTab()
	setContent := func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		tree, err := cdp.Call(ctx, t, page.GetFrameTree, cdp.Empty{})
		if err != nil {
			return chromedp.Void{}, err
		}
		_, err = cdp.Call(ctx, t, page.SetDocumentContent, page.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: string(html)})
		return chromedp.Void{}, err
	}
	err := chromedp.Do(tab,
		chromedp.Navigate("about:blank"),
		setContent,
		// Wait until the fonts are loaded, or glyphs could be missing.
		chromedp.Action[chromedp.Void](func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
			_, err := chromedp.Evaluate[bool](`document.fonts.ready.then(() => true)`, chromedp.EvalAwaitPromise)(ctx, t)
			return chromedp.Void{}, err
		}),
	)
	var out []byte
	if err == nil {
		out, err = chromedp.Run(tab, chromedp.PrintToPDF(chromedp.PDFPrintBackground(), func(p *page.PrintToPDFParams) { yes := true; p.PreferCSSPageSize = &yes }))
	}
	if err != nil {
		return nil, fmt.Errorf("print to PDF with %s: %w", r.path, err)
	}
	return out, nil
}
