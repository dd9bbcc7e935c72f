package akn_test

import (
	"strings"
	"testing"

	"github.com/zerodraft/zerodraft/internal/export/akn"
	"github.com/zerodraft/zerodraft/internal/export/exporttest"
)

// validate checks an Akoma Ntoso document against the OASIS schema with
// xmllint, the reference validator.
func validate(t *testing.T, doc []byte) {
	t.Helper()
	xmllint := exporttest.Need(t, "xmllint", "libxml2-utils")
	exporttest.Run(t, doc, xmllint, "--noout", "--nonet", "--schema", "testdata/schema/akomantoso30.xsd", "-")
}

func TestVersion(t *testing.T) {
	doc := akn.Version(exporttest.Meta(), exporttest.To())
	exporttest.Golden(t, "version.akn.xml", doc)
	validate(t, doc)
	s := string(doc)
	for _, want := range []string{
		`<FRBRthis value="/akn/un/statement/resolution/2026-02-10/A-C.2-80-L.5/!main"/>`,
		`<FRBRuri value="/akn/un/statement/resolution/2026-02-10/A-C.2-80-L.5/eng@2026-03-02_v2"/>`,
		`<FRBRuri value="/akn/un/statement/resolution/2026-02-10/A-C.2-80-L.5/eng@2026-03-02_v2.akn"/>`,
		`<FRBRlanguage language="eng"/>`,
		`<formula eId="formula_k1" name="enactingFormula">`,
		`<container eId="pp_k7" name="preambularParagraph">`,
		`<paragraph eId="para_k5">`,
		`Sustainable oceans &amp; &lt;coasts&gt;`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the AKN lacks %s", want)
		}
	}
}

// An eId follows its provision's key, not its position or number.
func TestEIDsAreStable(t *testing.T) {
	before, after := string(akn.Version(exporttest.Meta(), exporttest.From())), string(akn.Version(exporttest.Meta(), exporttest.To()))
	for _, id := range []string{`eId="para_k4"`, `eId="para_k5"`, `eId="para_k3"`} {
		if !strings.Contains(before, id) || !strings.Contains(after, id) {
			t.Errorf("%s is not in both versions", id)
		}
	}
}

func TestCompilation(t *testing.T) {
	doc := akn.Compilation(exporttest.Meta(), exporttest.To(), exporttest.Compilation())
	exporttest.Golden(t, "compilation.akn.xml", doc)
	validate(t, doc)
	s := string(doc)
	for _, want := range []string{
		`<paragraph eId="para_k3__amdt_1" alternativeTo="para_k3" refersTo="#party_EU" class="replace">`,
		`<p>Decides to establish an <del>open-ended</del><ins>intergovernmental</ins> working group;</p>`,
		`<paragraph eId="para_k3__amdt_2" alternativeTo="para_k3" refersTo="#party_G77 #party_BRA" class="alternative">`,
		`<p>Invites <ins>urgently </ins>all States to contribute;</p>`,
		`<paragraph eId="amdt_4" refersTo="#party_CHN #party_EGY" class="insert">`,
		`<p><ins>Encourages 区域合作 والتعاون الإقليمي;</ins></p>`,
		`<paragraph eId="para_k4__amdt_5" alternativeTo="para_k4" refersTo="#party_USA" class="delete">`,
		`<TLCOrganization eId="party_EGY" href="/akn/ontology/organization/un/EGY" showAs="EGY"/>`,
		`eng@2026-03-02_v2_compilation`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the compilation AKN lacks %s", want)
		}
	}
}
