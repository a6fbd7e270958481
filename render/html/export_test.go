package html

// SanitizeSVG exposes sanitizeSVG to the tests.
func SanitizeSVG(svg string) error { return sanitizeSVG([]byte(svg)) }
