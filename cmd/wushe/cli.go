package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// usageError is a command line that names no command, a bad flag or a
// stray argument: main prints it with the usage and exits 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// synopses are the first line of each command's -h.
var synopses = map[string]string{
	"serve":        "wushe serve [flags]",
	"worker":       "wushe worker [flags]   (needs MONGO_URI and REDIS_URL)",
	"admin create": "wushe admin create --phone P --name N [--division CODE] [flags]   (password on standard input)",
	"seed":         "wushe seed --demo [flags]",
	"dev-stores":   "wushe dev-stores [flags]",
	"healthcheck":  "wushe healthcheck [--url URL]",
}

// parseArgs parses args with fs. -h (or -help, --help) prints the command's
// synopsis and flags to out and returns flag.ErrHelp (exit 0); a bad flag
// or a stray argument is a usageError (exit 2).
func parseArgs(fs *flag.FlagSet, args []string, out io.Writer) error {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		synopsis := synopses[fs.Name()]
		if synopsis == "" {
			synopsis = "wushe " + fs.Name() + " [flags]"
		}
		fmt.Fprintf(out, "usage: %s\n\nflags:\n", synopsis)
		fs.SetOutput(out)
		fs.PrintDefaults()
		return flag.ErrHelp
	case err != nil:
		return usageError{fmt.Sprintf("wushe %s: %v (wushe %s -h lists its flags)", fs.Name(), err, fs.Name())}
	case fs.NArg() > 0:
		return usageError{fmt.Sprintf("wushe %s: unexpected argument %q (wushe %s -h lists its flags)", fs.Name(), fs.Arg(0), fs.Name())}
	}
	return nil
}

// isHelp reports whether args ask for help.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help" || arg == "help"
}
