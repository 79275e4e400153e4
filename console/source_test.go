package console

import "os"

// readSource returns a source file of the package (the catalogue test reads the keys handlers use).
func readSource(name string) (string, error) {
	b, err := os.ReadFile(name)
	return string(b), err
}
