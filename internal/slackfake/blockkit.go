package slackfake

import (
	"fmt"
	"unicode/utf8"
)

// Block Kit limits (https://docs.slack.dev/reference/block-kit). The fake
// checks the ones a bot most often trips over, so that a payload Slack would
// refuse with invalid_blocks is refused here too. It is not a full schema
// check: unknown block and element types pass.
const (
	maxMessageBlocks = 50
	maxModalBlocks   = 100
)

// checker collects violations worded like Slack's response_metadata
// messages, each with the JSON pointer of the offending field.
type checker struct{ errs []string }

// checkBlocks returns the violations in a list of blocks at ptr.
func checkBlocks(blocks []any, ptr string, maxBlocks int) []string {
	var c checker
	c.blocks(blocks, ptr, maxBlocks)
	return c.errs
}

// checkModal returns the violations in a views.open view.
func checkModal(view map[string]any) []string {
	var c checker
	if typ, _ := view["type"].(string); typ != "modal" {
		c.add("/view/type", "must be modal")
	}
	c.text(view["title"], "/view/title", 24, true)
	for _, k := range []string{"submit", "close"} {
		if v := view[k]; v != nil {
			c.text(v, "/view/"+k, 24, true)
		}
	}
	for _, f := range []struct {
		key string
		max int
	}{{"private_metadata", 3000}, {"callback_id", 255}, {"external_id", 255}} {
		if s, ok := view[f.key].(string); ok {
			c.maxLen("/view/"+f.key, s, f.max)
		}
	}
	blocks, ok := view["blocks"].([]any)
	if !ok {
		c.add("/view/blocks", "missing required field: blocks")
	}
	c.blocks(blocks, "/view/blocks", maxModalBlocks)
	for _, b := range blocks {
		if m, ok := b.(map[string]any); ok && m["type"] == "input" && view["submit"] == nil {
			c.add("/view/submit", "must provide submit when the view has an input block")
			break
		}
	}
	return c.errs
}

func (c *checker) add(ptr, format string, args ...any) {
	c.errs = append(c.errs, fmt.Sprintf(format, args...)+" [json-pointer:"+ptr+"]")
}

func (c *checker) maxLen(ptr, s string, max int) {
	if utf8.RuneCountInString(s) > max {
		c.add(ptr, "must be less than %d characters", max+1)
	}
}

// list checks that v is an array of min to max items and returns it.
func (c *checker) list(v any, ptr string, min, max int) []any {
	if v == nil {
		c.add(ptr, "missing required field")
		return nil
	}
	list, ok := v.([]any)
	if !ok {
		c.add(ptr, "must be an array")
		return nil
	}
	if len(list) < min {
		c.add(ptr, "must provide at least %d items", min)
	}
	if len(list) > max {
		c.add(ptr, "no more than %d items allowed", max)
	}
	return list
}

func (c *checker) blocks(blocks []any, ptr string, maxBlocks int) {
	if len(blocks) > maxBlocks {
		c.add(ptr, "no more than %d items allowed", maxBlocks)
	}
	blockIDs := map[string]bool{}
	for i, b := range blocks {
		p := fmt.Sprintf("%s/%d", ptr, i)
		m, ok := b.(map[string]any)
		if !ok {
			c.add(p, "must be an object")
			continue
		}
		typ, _ := m["type"].(string)
		if typ == "" {
			c.add(p+"/type", "missing required field: type")
			continue
		}
		if id, ok := m["block_id"].(string); ok {
			c.maxLen(p+"/block_id", id, 255)
			if blockIDs[id] {
				c.add(p+"/block_id", "block_id %q is not unique", id)
			}
			blockIDs[id] = true
		}
		switch typ {
		case "section":
			if m["text"] == nil && m["fields"] == nil {
				c.add(p, "must provide either text or fields")
			}
			if m["text"] != nil {
				c.text(m["text"], p+"/text", 3000, false)
			}
			if m["fields"] != nil {
				for j, f := range c.list(m["fields"], p+"/fields", 1, 10) {
					c.text(f, fmt.Sprintf("%s/fields/%d", p, j), 2000, false)
				}
			}
			if m["accessory"] != nil {
				c.element(m["accessory"], p+"/accessory")
			}
		case "header":
			c.text(m["text"], p+"/text", 150, true)
		case "context":
			for j, e := range c.list(m["elements"], p+"/elements", 1, 10) {
				if em, ok := e.(map[string]any); ok && (em["type"] == "plain_text" || em["type"] == "mrkdwn") {
					c.text(e, fmt.Sprintf("%s/elements/%d", p, j), 3000, false)
				}
			}
		case "actions":
			actionIDs := map[string]bool{}
			for j, e := range c.list(m["elements"], p+"/elements", 1, 25) {
				ep := fmt.Sprintf("%s/elements/%d", p, j)
				c.element(e, ep)
				if em, ok := e.(map[string]any); ok {
					if id, _ := em["action_id"].(string); id != "" {
						if actionIDs[id] {
							c.add(ep+"/action_id", "action_id %q is not unique in the block", id)
						}
						actionIDs[id] = true
					}
				}
			}
		case "input":
			c.text(m["label"], p+"/label", 2000, true)
			if m["hint"] != nil {
				c.text(m["hint"], p+"/hint", 2000, true)
			}
			if m["element"] == nil {
				c.add(p+"/element", "missing required field: element")
			} else {
				c.element(m["element"], p+"/element")
			}
		}
	}
}

// text checks a text object: plain_text or mrkdwn, 1 to max characters.
func (c *checker) text(v any, ptr string, max int, plainOnly bool) {
	if v == nil {
		c.add(ptr, "missing required field")
		return
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.add(ptr, "must be a text object")
		return
	}
	typ, _ := m["type"].(string)
	switch {
	case plainOnly && typ != "plain_text":
		c.add(ptr+"/type", "must be plain_text")
	case typ != "plain_text" && typ != "mrkdwn":
		c.add(ptr+"/type", "must be plain_text or mrkdwn")
	}
	s, _ := m["text"].(string)
	if s == "" {
		c.add(ptr+"/text", "must be more than 0 characters")
	}
	c.maxLen(ptr+"/text", s, max)
}

// element checks an interactive element in an actions, section or input block.
func (c *checker) element(v any, ptr string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(ptr, "must be an object")
		return
	}
	if id, ok := m["action_id"].(string); ok {
		c.maxLen(ptr+"/action_id", id, 255)
	}
	if m["placeholder"] != nil {
		c.text(m["placeholder"], ptr+"/placeholder", 150, true)
	}
	switch typ, _ := m["type"].(string); typ {
	case "":
		c.add(ptr+"/type", "missing required field: type")
	case "button":
		c.text(m["text"], ptr+"/text", 75, true)
		if s, ok := m["value"].(string); ok {
			c.maxLen(ptr+"/value", s, 2000)
		}
		if s, ok := m["url"].(string); ok {
			c.maxLen(ptr+"/url", s, 3000)
		}
		if st, ok := m["style"].(string); ok && st != "primary" && st != "danger" {
			c.add(ptr+"/style", "must be one of primary, danger")
		}
	case "static_select", "multi_static_select":
		if m["options"] == nil && m["option_groups"] == nil {
			c.add(ptr, "must provide either options or option_groups")
		}
		if m["options"] != nil {
			c.options(m["options"], ptr+"/options", 100)
		}
		if m["option_groups"] != nil {
			for j, g := range c.list(m["option_groups"], ptr+"/option_groups", 1, 100) {
				gp := fmt.Sprintf("%s/option_groups/%d", ptr, j)
				if gm, ok := g.(map[string]any); ok {
					c.text(gm["label"], gp+"/label", 75, true)
					c.options(gm["options"], gp+"/options", 100)
				}
			}
		}
		if m["initial_option"] != nil {
			c.option(m["initial_option"], ptr+"/initial_option")
		}
	case "overflow":
		c.options(m["options"], ptr+"/options", 5)
	case "radio_buttons", "checkboxes":
		c.options(m["options"], ptr+"/options", 10)
	case "plain_text_input":
		if n, ok := m["max_length"].(float64); ok && n > 3000 {
			c.add(ptr+"/max_length", "must be at most 3000")
		}
	}
}

func (c *checker) options(v any, ptr string, max int) {
	for j, o := range c.list(v, ptr, 1, max) {
		c.option(o, fmt.Sprintf("%s/%d", ptr, j))
	}
}

// option checks an option object: text up to 75 characters, value up to 150.
func (c *checker) option(v any, ptr string) {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(ptr, "must be an object")
		return
	}
	c.text(m["text"], ptr+"/text", 75, false)
	value, _ := m["value"].(string)
	if value == "" {
		c.add(ptr+"/value", "missing required field: value")
	}
	c.maxLen(ptr+"/value", value, 150)
	if m["description"] != nil {
		c.text(m["description"], ptr+"/description", 75, false)
	}
}
