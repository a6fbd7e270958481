//go:build !unix

package render

import "os"

// ownedByMe: outside Unix, os.UserCacheDir is the user's own profile directory
// (%LocalAppData% on Windows); ownership is not checked.
func ownedByMe(os.FileInfo) bool { return true }
