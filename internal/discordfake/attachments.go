package discordfake

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Attachments: a message with files comes as multipart/form-data, its JSON
// in payload_json and each file in files[n]; payload_json's "attachments"
// describe the new files by id n (filename, description: the alt text),
// and an embed shows one as its image with the URL "attachment://NAME".

// maxFileBytes is the largest file Discord takes from a bot in a guild
// without boosts (https://discord.com/developers/docs/reference#uploading-files);
// a larger one is refused with 413 and code 40005.
const maxFileBytes = 10 << 20

// attachmentScheme prefixes an embed URL that names a file of its message.
const attachmentScheme = "attachment://"

// wireAttachment is an entry of a payload's "attachments": a new file's id
// is the n of its files[n] part, as a number or a string.
type wireAttachment struct {
	ID          json.RawMessage `json:"id"`
	Filename    string          `json:"filename,omitempty"`
	Description string          `json:"description,omitempty"`
}

// index is the n of files[n] the attachment describes, or -1 for an id
// that names no new file (an existing attachment's snowflake).
func (a wireAttachment) index() int {
	n, err := strconv.Atoi(string(bytes.Trim(a.ID, `"`)))
	if err != nil {
		return -1
	}
	return n
}

// maxFiles is the most files one message carries.
const maxFiles = 10

// filesLocked checks the files of a message payload at path ("" for a
// message body, "message" in a forum post, "data" in a callback) and gives
// each the description payload_json's attachments set for it: a file over
// maxFileBytes is refused with 413 40005; more than maxFiles files, a
// description over 1024 characters, or an embed image or thumbnail naming
// attachment://NAME when neither files nor kept (an edited message's
// files) has NAME are refused with 50035 and recorded as violations.
// Discord itself shows such an embed without its image rather than
// refusing it; the fake refuses, so that a bot whose chart would silently
// be missing is caught. s.mu must be held.
func (s *Server) filesLocked(route, path string, m *wireMessage, files, kept []File) *Fault {
	for _, f := range files {
		if len(f.Data) > maxFileBytes {
			return &Fault{Status: http.StatusRequestEntityTooLarge, Code: 40005, Message: "Request entity too large"}
		}
	}
	ck := &checker{route: route}
	ck.count(join(path, "files"), ruleFiles, len(files))
	if m.Attachments != nil {
		for i, a := range *m.Attachments {
			ck.text(join(path, "attachments", i, "description"), ruleAttachmentDescription, a.Description)
			field := fmt.Sprintf("files[%d]", a.index())
			for j := range files {
				if files[j].Field == field {
					files[j].Description = a.Description
				}
			}
		}
	}
	if m.Embeds != nil {
		has := func(name string) bool {
			same := func(f File) bool { return f.Name == name }
			return slices.ContainsFunc(files, same) || slices.ContainsFunc(kept, same)
		}
		for i, e := range *m.Embeds {
			for _, media := range []struct {
				key string
				m   *EmbedMedia
			}{{"image", e.Image}, {"thumbnail", e.Thumbnail}} {
				if media.m == nil {
					continue
				}
				if name, ok := strings.CutPrefix(media.m.URL, attachmentScheme); ok && !has(name) {
					ck.count(join(path, "embeds", i, media.key, "url"), ruleUnknownAttachment, 1)
				}
			}
		}
	}
	return s.violatedLocked(ck)
}
