//go:build unix && !darwin

package benchutil

const maxrssUnit = 1024 // KiB on Linux and the BSDs
