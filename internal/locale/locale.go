// Package locale holds the user interface's message catalogs and picks the
// language a page is shown in. Every piece of UI text goes through it.
package locale

import (
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Language is one language the UI is offered in.
type Language struct {
	Tag  string // BCP 47, e.g. "zh-Hans"
	Name string // the language's own name, e.g. "中文"
}

// Catalog is the set of loaded message files.
type Catalog struct {
	bundle    *i18n.Bundle
	languages []Language
	ids       map[string]map[string]bool // tag → message ids
	matcher   language.Matcher           // over languages, made once at Load
}

// Load reads every *.json message file in dir of fsys. The file name ends
// in the language tag ("en.json", "consultation.en.json": one language may
// have several files, one per area of the product); each file is a flat map
// of message id to text, and the special id "language.name" gives the
// language's own name.
func Load(fsys fs.FS, dir string) (*Catalog, error) {
	c := &Catalog{bundle: i18n.NewBundle(language.English), ids: map[string]map[string]bool{}}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		if err := c.loadFile(fsys, path.Join(dir, e.Name())); err != nil {
			return nil, err
		}
	}
	if len(c.languages) == 0 {
		return nil, fmt.Errorf("no message files in %s", dir)
	}
	tags := make([]language.Tag, 0, len(c.languages))
	for _, l := range c.languages {
		tags = append(tags, language.MustParse(l.Tag))
	}
	c.matcher = language.NewMatcher(tags)
	return c, nil
}

func (c *Catalog) loadFile(fsys fs.FS, name string) error {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	mf, err := c.bundle.ParseMessageFileBytes(buf, name)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	tag := mf.Tag.String()
	ids, known := c.ids[tag]
	if !known {
		ids = map[string]bool{}
		c.ids[tag] = ids
		c.languages = append(c.languages, Language{Tag: tag, Name: tag})
	}
	for _, m := range mf.Messages {
		if ids[m.ID] {
			return fmt.Errorf("%s: message %q is defined twice for %s", name, m.ID, tag)
		}
		ids[m.ID] = true
		if m.ID == "language.name" {
			c.languages[c.languageIndex(tag)].Name = m.Other
		}
	}
	return nil
}

func (c *Catalog) languageIndex(tag string) int {
	for i, l := range c.languages {
		if l.Tag == tag {
			return i
		}
	}
	return -1
}

// Languages lists the UI languages, in file order.
func (c *Catalog) Languages() []Language { return c.languages }

// IDs returns the message ids of one language, for completeness checks.
func (c *Catalog) IDs(tag string) map[string]bool { return c.ids[tag] }

// Match picks the best UI language for the given preferences (a cookie
// value, then the Accept-Language header).
func (c *Catalog) Match(prefs ...string) string {
	for _, p := range prefs {
		if p == "" {
			continue
		}
		want, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(want) == 0 {
			continue
		}
		_, i, conf := c.matcher.Match(want...)
		if conf != language.No {
			return c.languages[i].Tag
		}
	}
	return "en"
}

// Translator renders messages in one language.
type Translator struct {
	Tag string
	loc *i18n.Localizer
}

// For returns a translator for a language tag returned by Match.
func (c *Catalog) For(tag string) Translator {
	return Translator{Tag: tag, loc: i18n.NewLocalizer(c.bundle, tag, "en")}
}

// T renders message id; args are name/value pairs for the message template
// ("count", 3). A missing message shows its id, so it is noticed, not hidden.
func (t Translator) T(id string, args ...any) string {
	if t.loc == nil {
		return id
	}
	data := map[string]any{}
	for i := 0; i+1 < len(args); i += 2 {
		data[fmt.Sprint(args[i])] = args[i+1]
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}
