package main

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Words that cannot go stale: a number a markdown cell states — a decimal
// with two or more digits after the point (a score: 0.428) or a percentage
// (81 %) — must appear in the notebook's outputs, so prose cannot keep a
// figure the code no longer prints. A percentage counts as shown when an
// output prints it as a percentage or as the fraction (81 % ↔ 0.81).
// Numbers that are not results (constants, definitions, the paper's own
// figures) are listed in the cell, in an HTML comment the page does not
// show: <!-- not results: 1.5406, 5–95% -->.
var (
	claimRe      = regexp.MustCompile(`(?:^|[^\w.])(\d+\.\d{2,}|\d{1,3}(?:\.\d+)?\s?%)`)
	notResultsRe = regexp.MustCompile(`<!--\s*not results:([^>]*)-->`)
	// scriptRe: an interactive figure's data travels in a script; its
	// thousands of numbers are not what a reader sees.
	scriptRe = regexp.MustCompile(`(?s)<script.*?</script>`)
)

// claimsShown returns an error naming each stated number its outputs do not show.
func claimsShown(nb map[string]any) error {
	var outs strings.Builder
	forOutputs(nb, func(o map[string]any) {
		outs.WriteString(joinText(o["text"]))
		if data, ok := o["data"].(map[string]any); ok {
			for mime, v := range data {
				if strings.HasPrefix(mime, "text/") {
					outs.WriteString(joinText(v))
				}
			}
		}
		outs.WriteByte('\n')
	})
	shown := scriptRe.ReplaceAllString(outs.String(), "")
	var missing []string
	cells, _ := nb["cells"].([]any)
	for i, c := range cells {
		cell, _ := c.(map[string]any)
		if cell["cell_type"] != "markdown" {
			continue
		}
		src := joinText(cell["source"])
		exempt := map[string]bool{}
		for _, m := range notResultsRe.FindAllStringSubmatch(src, -1) {
			for _, n := range claimRe.FindAllStringSubmatch(m[1], -1) {
				exempt[normalClaim(n[1])] = true
			}
		}
		prose := notResultsRe.ReplaceAllString(src, "")
		for _, m := range claimRe.FindAllStringSubmatch(prose, -1) {
			n := normalClaim(m[1])
			if exempt[n] || claimShown(n, shown) {
				continue
			}
			missing = append(missing, fmt.Sprintf("markdown cell %d says %s", i, n))
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("numbers no output shows (print them, or list them in <!-- not results: … --> if they are not results): %s", strings.Join(missing, "; "))
	}
	return nil
}

func normalClaim(s string) string { return strings.ReplaceAll(s, " ", "") }

func claimShown(n, shown string) bool {
	if !strings.HasSuffix(n, "%") {
		return strings.Contains(shown, n)
	}
	p := strings.TrimSuffix(n, "%")
	if strings.Contains(shown, p+"%") || strings.Contains(shown, p+" %") {
		return true
	}
	v, err := strconv.ParseFloat(p, 64)
	if err != nil {
		return false
	}
	// the fraction with as many decimals as the percentage needs (81 → 0.81, 81.5 → 0.815)
	dec := 2
	if i := strings.IndexByte(p, '.'); i >= 0 {
		dec += len(p) - i - 1
	}
	return strings.Contains(shown, strconv.FormatFloat(v/100, 'f', dec, 64))
}
