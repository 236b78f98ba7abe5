package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"time"
)

// readyTimeout bounds how long a process may take to become ready.
const readyTimeout = 40 * time.Second

// proc is one OS process of the topology: how to start it, where it logs,
// and how to tell it is ready. It can be killed and started again; every
// start appends to the same log file.
type proc struct {
	name    string
	path    string
	args    []string
	env     []string
	logPath string
	ready   func(ctx context.Context) error

	mu     sync.Mutex
	cmd    *exec.Cmd
	done   chan struct{} // closed when the current process has exited
	err    error         // the current process's exit, once done
	killed bool          // the current process was stopped on purpose
	paused bool          // the current process is frozen (SIGSTOP)
	starts int
}

// start runs the process and waits until it is ready. A process that exits
// first, or is not ready in time, is an error carrying its log tail.
func (p *proc) start(ctx context.Context) error {
	f, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.starts++
	if p.starts > 1 {
		fmt.Fprintf(f, "# prodcheck: start %d at %s\n", p.starts, time.Now().UTC().Format(time.RFC3339Nano))
	}
	cmd := exec.Command(p.path, p.args...)
	cmd.Env = p.env
	cmd.Stdout, cmd.Stderr = f, f
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		p.mu.Unlock()
		_ = f.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	p.cmd, p.done, p.killed, p.paused, p.err = cmd, done, false, false, nil
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		_ = f.Close()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(done)
	}()

	rctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	var last error
	for {
		select {
		case <-done:
			return fmt.Errorf("%s exited during start (%v); its log ends:\n%s", p.name, p.exitErr(), p.tail(40))
		default:
		}
		if last = p.ready(rctx); last == nil {
			return nil
		}
		select {
		case <-rctx.Done():
			if ctx.Err() != nil {
				return fmt.Errorf("%s: %w", p.name, ctx.Err()) // interrupted: the log tail would say nothing
			}
			return fmt.Errorf("%s not ready after %s (%v); its log ends:\n%s", p.name, readyTimeout, last, p.tail(40))
		case <-done:
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (p *proc) exitErr() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// pid is the current process's id, 0 when none was started.
func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

// running reports whether the current process is alive.
func (p *proc) running() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// died reports a process that exited without being told to, with its log tail.
func (p *proc) died() error {
	p.mu.Lock()
	done, killed := p.done, p.killed
	p.mu.Unlock()
	if done == nil || killed {
		return nil
	}
	select {
	case <-done:
		return fmt.Errorf("%s exited unexpectedly (%v); its log ends:\n%s", p.name, p.exitErr(), p.tail(40))
	default:
		return nil
	}
}

// signal sends sig to the current process and waits up to wait for it to
// exit, then kills it.
func (p *proc) signal(sig syscall.Signal, wait time.Duration) error {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	if cmd == nil {
		p.mu.Unlock()
		return nil
	}
	p.killed = true
	paused := p.paused
	p.paused = false
	p.mu.Unlock()
	select {
	case <-done:
		return nil
	default:
	}
	if err := cmd.Process.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("signal %s: %w", p.name, err)
	}
	if paused {
		// A frozen process handles a SIGTERM only once it runs again.
		_ = cmd.Process.Signal(sigCont)
	}
	select {
	case <-done:
		return nil
	case <-time.After(wait):
	}
	_ = cmd.Process.Kill()
	select {
	case <-done:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("%s (pid %d) did not exit", p.name, cmd.Process.Pid)
	}
}

// kill is the fault: SIGKILL, no chance to clean up.
func (p *proc) kill() error { return p.signal(syscall.SIGKILL, 5*time.Second) }

// pause freezes the process (SIGSTOP): it keeps its sockets open, the
// kernel still accepts connections on its port, and nothing is answered:
// a hung server, not a dead one.
func (p *proc) pause() error { return p.freeze(true) }

// resume lets a paused process run again (SIGCONT); without a pause it
// does nothing, so it can be deferred after pause.
func (p *proc) resume() error { return p.freeze(false) }

func (p *proc) freeze(stop bool) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.paused == stop {
		return nil
	}
	select {
	case <-p.done:
		return fmt.Errorf("%s has exited", p.name)
	default:
	}
	sig := sigCont
	if stop {
		sig = sigStop
	}
	if sig == nil {
		return fmt.Errorf("freezing a process needs SIGSTOP and SIGCONT (Unix)")
	}
	if err := p.cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal %s: %w", p.name, err)
	}
	p.paused = stop
	return nil
}

// stop ends the process gracefully (SIGTERM), killing it if it lingers.
func (p *proc) stop() error { return p.signal(syscall.SIGTERM, 10*time.Second) }

// tail is the last n lines of the process's log.
func (p *proc) tail(n int) string {
	f, err := os.Open(p.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 4<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return "    | " + strings.Join(lines, "\n    | ")
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before ours binds it; on this CI machine that race is remote.
func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// redisCommand sends one inline command to a Redis and returns its reply line.
func redisCommand(ctx context.Context, addr, command string) (string, error) {
	d := net.Dialer{Timeout: time.Second}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(command + "\r\n")); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSpace(line), err
}

// httpReady is a readiness probe: GET url answers 200.
func httpReady(url string) func(ctx context.Context) error {
	client := &http.Client{Timeout: 2 * time.Second}
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", url, res.StatusCode)
		}
		return nil
	}
}
