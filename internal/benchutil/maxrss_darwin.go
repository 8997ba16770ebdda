package benchutil

const maxrssUnit = 1 // bytes on Darwin
