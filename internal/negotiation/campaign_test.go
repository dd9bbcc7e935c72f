package negotiation

import "testing"

func TestCampaignNormalisation(t *testing.T) {
	same := []string{
		"Protect the ocean: ban single-use plastics now!",
		"  protect the OCEAN — ban single use plastics now  ",
		"Ｐｒｏｔｅｃｔ the ocean;\n\nban single-use plastics now.",
	}
	for _, s := range same[1:] {
		if CampaignKey("doc", s) != CampaignKey("doc", same[0]) {
			t.Errorf("%q and %q not grouped: %q vs %q", s, same[0], NormalizeForCampaign(s), NormalizeForCampaign(same[0]))
		}
	}
	if CampaignKey("doc", same[0]) == CampaignKey("key:OP1", same[0]) {
		t.Error("the same text on different anchors grouped")
	}
	if CampaignKey("doc", same[0]) == CampaignKey("doc", "Protect the ocean: ban single-use plastics by 2030!") {
		t.Error("different texts grouped")
	}
}
