package docximport

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// decode unmarshals an XML part. encoding/xml expands no external
// entities and fetches nothing, so a hostile DTD can do no harm.
func decode(b []byte, v any) error {
	d := xml.NewDecoder(bytes.NewReader(b))
	return d.Decode(v)
}

type val struct {
	Val string `xml:"val,attr"`
}

type numPr struct {
	Ilvl  *val `xml:"ilvl"`
	NumID *val `xml:"numId"`
}

// style is what the import needs of a paragraph style.
type style struct {
	name, basedOn string
	num           *numPr
	outline       bool
}

func (p *pkg) styles(rels []rel) (map[string]style, error) {
	name := partOf(rels, "styles")
	if name == "" {
		return nil, nil
	}
	if _, ok := p.files[name]; !ok {
		return nil, nil
	}
	b, err := p.read(name)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Styles []struct {
			ID      string `xml:"styleId,attr"`
			Type    string `xml:"type,attr"`
			Name    val    `xml:"name"`
			BasedOn val    `xml:"basedOn"`
			PPr     struct {
				NumPr   *numPr `xml:"numPr"`
				Outline *val   `xml:"outlineLvl"`
			} `xml:"pPr"`
		} `xml:"style"`
	}
	if err := decode(b, &doc); err != nil {
		return nil, negotiation.Errorf(negotiation.EInvalid, "the Word file's styles (%s) are not well-formed XML: %v", name, err)
	}
	out := map[string]style{}
	for _, s := range doc.Styles {
		if s.Type != "" && s.Type != "paragraph" {
			continue
		}
		out[s.ID] = style{name: s.Name.Val, basedOn: s.BasedOn.Val, num: s.PPr.NumPr, outline: s.PPr.Outline != nil && s.PPr.Outline.Val != "9"}
	}
	return out, nil
}

// heading reports whether a paragraph style is a heading or title style,
// following basedOn a few steps.
func heading(styles map[string]style, id string) bool {
	for range 10 {
		s, ok := styles[id]
		if !ok {
			return strings.HasPrefix(id, "Heading") || id == "Title"
		}
		n := strings.ToLower(s.name)
		if strings.HasPrefix(n, "heading") || n == "title" || s.outline {
			return true
		}
		id = s.basedOn
	}
	return false
}

// styleNum gives the numbering a paragraph style applies, if any.
func styleNum(styles map[string]style, id string) *numPr {
	for range 10 {
		s, ok := styles[id]
		if !ok {
			return nil
		}
		if s.num != nil {
			return s.num
		}
		id = s.basedOn
	}
	return nil
}

// level is one level of a numbering definition.
type level struct {
	start  int
	format string // decimal, lowerLetter, upperRoman, bullet, …
	text   string // "%1.", "(%2)"
}

// numbering holds the numbering definitions and, while a document is
// read, the counters of each list.
type numbering struct {
	levels   map[string]map[int]level // numId → level → definition
	counters map[string]map[int]int
}

func (p *pkg) numbering(rels []rel) (*numbering, error) {
	n := &numbering{levels: map[string]map[int]level{}, counters: map[string]map[int]int{}}
	name := partOf(rels, "numbering")
	if name == "" {
		return n, nil
	}
	if _, ok := p.files[name]; !ok {
		return n, nil
	}
	b, err := p.read(name)
	if err != nil {
		return nil, err
	}
	type lvl struct {
		Ilvl   string `xml:"ilvl,attr"`
		Start  *val   `xml:"start"`
		NumFmt val    `xml:"numFmt"`
		Text   val    `xml:"lvlText"`
	}
	var doc struct {
		Abstract []struct {
			ID     string `xml:"abstractNumId,attr"`
			Levels []lvl  `xml:"lvl"`
		} `xml:"abstractNum"`
		Nums []struct {
			ID        string `xml:"numId,attr"`
			Abstract  val    `xml:"abstractNumId"`
			Overrides []struct {
				Ilvl  string `xml:"ilvl,attr"`
				Start *val   `xml:"startOverride"`
			} `xml:"lvlOverride"`
		} `xml:"num"`
	}
	if err := decode(b, &doc); err != nil {
		return nil, negotiation.Errorf(negotiation.EInvalid, "the Word file's numbering (%s) is not well-formed XML: %v", name, err)
	}
	abstract := map[string]map[int]level{}
	for _, a := range doc.Abstract {
		m := map[int]level{}
		for _, l := range a.Levels {
			i, _ := strconv.Atoi(l.Ilvl)
			start := 1
			if l.Start != nil {
				start, _ = strconv.Atoi(l.Start.Val)
			}
			m[i] = level{start: start, format: l.NumFmt.Val, text: l.Text.Val}
		}
		abstract[a.ID] = m
	}
	for _, num := range doc.Nums {
		m := map[int]level{}
		for i, l := range abstract[num.Abstract.Val] {
			m[i] = l
		}
		for _, o := range num.Overrides {
			i, _ := strconv.Atoi(o.Ilvl)
			if l, ok := m[i]; ok && o.Start != nil {
				l.start, _ = strconv.Atoi(o.Start.Val)
				m[i] = l
			}
		}
		n.levels[num.ID] = m
	}
	return n, nil
}

// next advances list numID at level ilvl and gives the label Word shows
// there ("" for bullets and unknown lists). Deeper levels restart.
func (n *numbering) next(numID string, ilvl int) string {
	levels, ok := n.levels[numID]
	if !ok || numID == "0" {
		return ""
	}
	l, ok := levels[ilvl]
	if !ok || l.format == "bullet" || l.format == "none" {
		return ""
	}
	c := n.counters[numID]
	if c == nil {
		c = map[int]int{}
		n.counters[numID] = c
	}
	if _, started := c[ilvl]; !started {
		c[ilvl] = l.start - 1
	}
	c[ilvl]++
	for deeper := range c {
		if deeper > ilvl {
			delete(c, deeper)
		}
	}
	label := l.text
	for i := 0; i <= 8; i++ {
		ph := "%" + strconv.Itoa(i+1)
		if !strings.Contains(label, ph) {
			continue
		}
		v, ok := c[i]
		if !ok {
			v = levels[i].start
		}
		label = strings.ReplaceAll(label, ph, format(v, levels[i].format))
	}
	return strings.TrimSpace(label)
}

// format writes a list number in a Word number format.
func format(n int, f string) string {
	switch f {
	case "lowerLetter":
		return letters(n)
	case "upperLetter":
		return strings.ToUpper(letters(n))
	case "lowerRoman":
		return strings.ToLower(roman(n))
	case "upperRoman":
		return roman(n)
	case "decimalZero":
		if n < 10 && n >= 0 {
			return "0" + strconv.Itoa(n)
		}
	}
	return strconv.Itoa(n)
}

// letters: 1 → a, 26 → z, 27 → aa (as Word does: the letter repeated).
func letters(n int) string {
	if n < 1 {
		return strconv.Itoa(n)
	}
	return strings.Repeat(string(rune('a'+(n-1)%26)), (n-1)/26+1)
}

func roman(n int) string {
	if n < 1 || n > 3999 {
		return strconv.Itoa(n)
	}
	vals := []int{1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1}
	syms := []string{"M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"}
	var b strings.Builder
	for i, v := range vals {
		for n >= v {
			b.WriteString(syms[i])
			n -= v
		}
	}
	return b.String()
}
