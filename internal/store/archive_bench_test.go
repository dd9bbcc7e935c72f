package store

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/zerodraft/zerodraft/internal/pgtest"

	"github.com/zerodraft/zerodraft/internal/negotiation"
)

// archiveTopics vary the texts so that a word matches a share of them.
var archiveTopics = []struct{ en, zh string }{
	{"plastic pollution", "塑料污染"},
	{"biodiversity beyond national jurisdiction", "国家管辖范围以外区域海洋生物多样性"},
	{"climate change adaptation", "适应气候变化"},
	{"sustainable development", "可持续发展"},
	{"human rights defenders", "人权维护者"},
	{"pandemic prevention", "大流行病预防"},
	{"nuclear disarmament", "核裁军"},
	{"road safety", "道路安全"},
}

// publishArchive adopts n documents of 40 provisions each, every one with
// a Chinese translation, as the archive would hold after years of use.
func publishArchive(b *testing.B, s *Store, n int) {
	ctx := context.Background()
	for i := range n {
		topic := archiveTopics[i%len(archiveTopics)]
		provs := make([]negotiation.Provision, 40)
		zh := map[string]string{}
		for j := range provs {
			key := fmt.Sprintf("p%d", j+1)
			provs[j] = negotiation.Provision{Key: key, Number: fmt.Sprintf("OP%d", j+1), Kind: negotiation.KindOperative, Label: fmt.Sprintf("%d.", j+1),
				Text: fmt.Sprintf("Requests Member States to strengthen cooperation on %s, including through capacity-building and the transfer of technology, paragraph %d;", topic.en, j+1)}
			zh[key] = fmt.Sprintf("请会员国加强在%s方面的合作，包括通过能力建设和技术转让，第%d段；", topic.zh, j+1)
		}
		d, err := s.CreateDocument(ctx, admin, negotiation.NewDocument{Symbol: fmt.Sprintf("A/RES/%d/%d", 70+i/300, i%300+1),
			Title: "Cooperation on " + topic.en, Language: "en", Label: "Zero draft"}, provs, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.Adopt(ctx, admin, d.ID, NewAdoption{Version: 1, Method: negotiation.ByConsensus}, time.Now()); err != nil {
			b.Fatal(err)
		}
		if err := s.SetTranslation(ctx, admin, d.ID, Translation{Language: "zh", Title: topic.zh, Provisions: zh}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArchiveSearch measures one archive search (at most 200 results)
// over 2,000 published texts with their Chinese translations.
func BenchmarkArchiveSearch(b *testing.B) {
	ctx := context.Background()
	s, err := Open(ctx, pgtest.NewDatabase(b), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	publishArchive(b, s, 2000)
	if _, err := s.pool.Exec(ctx, "ANALYZE adoptions"); err != nil {
		b.Fatal(err)
	}
	for _, q := range []string{"", "nuclear disarmament", "A/RES/72/15", "可持续发展", "核裁军", "whales"} {
		b.Run(fmt.Sprintf("q=%q", q), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SearchAdopted(ctx, q, 200); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
