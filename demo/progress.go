package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/wushe/wushe/models"
)

// insertAll runs insert for 0…n-1 on workers goroutines; the first error
// stops the others and is returned.
func insertAll(ctx context.Context, workers, n int, bar *progressBar, insert func(context.Context, int) (demoOutcome, error)) ([3]int, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var (
		next   atomic.Int64
		mu     sync.Mutex
		counts [3]int
		wg     sync.WaitGroup
	)
	for range min(workers, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				o, err := insert(ctx, i)
				if err != nil {
					cancel(err)
					return
				}
				mu.Lock()
				counts[o]++
				mu.Unlock()
				bar.add()
			}
		})
	}
	wg.Wait()
	return counts, context.Cause(ctx)
}

// progressBar is one phase's line on w: redrawn in place with \r on a
// terminal, a plain line at every quarter otherwise.
type progressBar struct {
	w     io.Writer
	tty   bool
	name  string
	total int
	start time.Time

	mu      sync.Mutex
	done    int
	drawn   time.Time
	quarter int
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progressBar) line() string {
	const width = 30
	k := width
	if p.total > 0 {
		k = p.done * width / p.total
	}
	return fmt.Sprintf("%-14s [%s%s] %d/%d", p.name, strings.Repeat("#", k), strings.Repeat(".", width-k), p.done, p.total)
}

func (p *progressBar) draw() {
	if p.tty {
		fmt.Fprint(p.w, "\r"+p.line())
		p.drawn = time.Now()
	}
}

func (p *progressBar) add() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.done++
	switch {
	case p.tty && (p.done == p.total || time.Since(p.drawn) >= 100*time.Millisecond):
		p.draw()
	case !p.tty && p.done*4/p.total > p.quarter:
		p.quarter = p.done * 4 / p.total
		if p.done < p.total {
			fmt.Fprintln(p.w, p.line())
		}
	}
}

func (p *progressBar) finish(ph Phase) {
	summary := fmt.Sprintf("  %.1fs, %d new, %d already there", ph.Elapsed.Seconds(), ph.Created, ph.Existed)
	if ph.Skipped > 0 {
		summary += fmt.Sprintf(", %d skipped (phone or credit code taken by another account or organisation)", ph.Skipped)
	}
	if p.tty {
		fmt.Fprint(p.w, "\r")
	}
	fmt.Fprintln(p.w, p.line()+summary)
}

func (p *progressBar) abort() {
	if p.tty {
		fmt.Fprintln(p.w)
	}
}

// Login is one account to try the service with, per role.
type Login struct {
	Role      models.Role
	Phone     string
	AccountID string
	Name      string
	Scope     string
}

func PrintLogins(w io.Writer, logins []Login, password string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ROLE\tPHONE\tPASSWORD\tACCOUNT\tNAME\tSCOPE")
	for _, l := range logins {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.Role, l.Phone, password, l.AccountID, l.Name, l.Scope)
	}
	return tw.Flush()
}
