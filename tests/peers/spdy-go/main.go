// Command spdypeer is a small, independent SPDY/3.1 client used to check
// FakeCri's streaming server (Exec/Attach/PortForward URLs) against a real
// SPDY implementation: github.com/moby/spdystream (formerly
// github.com/docker/spdystream), the library kubelet and client-go use.
//
// It behaves like a Kubernetes client (kubectl exec/attach/port-forward):
// it upgrades an HTTP/1.1 POST to SPDY/3.1, opens the streams in the order a
// client opens them, and prints one JSON object describing what it received.
//
// Only the Go standard library and spdystream are used, so that it builds in
// GOPATH mode from Debian's /usr/share/gocode without any module download.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/spdystream"
)

// How long a stream may wait for the server's SYN_REPLY (client-go uses 30s too).
const replyWait = 30 * time.Second

const usageText = `spdypeer: an independent SPDY/3.1 client (github.com/moby/spdystream) for testing.

Usage:
  spdypeer exec --url URL [--protocols P1,P2,...] [--stdin TEXT] [--no-stdin-close]
                [--stdout] [--stderr] [--tty] [--ping] [--refuse-server-streams] [--timeout 20s]
  spdypeer portforward --url URL --port N [--send TEXT] [--request-id 0] [--ping]
                [--refuse-server-streams] [--timeout 20s]

Prints one JSON object on stdout. Exit code 0 when the exchange ran (whatever
the HTTP status), 1 on a local failure (dial error, bad upgrade, stream
rejected, timeout), 2 on a usage error. Set DEBUG=1 to get spdystream's own
frame-level debug log on stderr.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usageText)
		os.Exit(2)
	}
	switch os.Args[1] {
	case "exec", "attach":
		os.Exit(runExec(os.Args[2:]))
	case "portforward", "port-forward":
		os.Exit(runPortForward(os.Args[2:]))
	case "-h", "--help", "help":
		fmt.Fprint(os.Stdout, usageText)
	default:
		fmt.Fprintf(os.Stderr, "spdypeer: unknown subcommand %q\n\n%s", os.Args[1], usageText)
		os.Exit(2)
	}
}

// ---------------------------------------------------------------------------
// Result reporting

// sink collects the bytes of one stream; safe for concurrent use so a timeout
// can report what has arrived so far.
type sink struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *sink) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *sink) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

type serverStream struct {
	ID      uint32              `json:"id"`
	Headers map[string][]string `json:"headers"`
	Refused bool                `json:"refused"`
}

// run holds the state shared by a subcommand, its watchdog and its report.
type run struct {
	mu            sync.Mutex
	phase         string
	failure       string
	pingMs        *float64
	serverStreams []serverStream
	refuse        bool
	sess          *session
	report        func(failure string) // prints the JSON object
	reported      bool
}

func (r *run) setPhase(p string) {
	r.mu.Lock()
	r.phase = p
	r.mu.Unlock()
}

// finish prints the report exactly once and returns the exit code.
func (r *run) finish(failure string) int {
	r.mu.Lock()
	if r.reported {
		r.mu.Unlock()
		return 1
	}
	r.reported = true
	r.mu.Unlock()
	r.report(failure)
	if failure != "" {
		fmt.Fprintf(os.Stderr, "spdypeer: %s\n", failure)
		return 1
	}
	return 0
}

// fail reports a local failure that happened during the current phase.
func (r *run) fail(err error) int {
	r.mu.Lock()
	phase := r.phase
	r.mu.Unlock()
	return r.finish(fmt.Sprintf("%s: %v", phase, err))
}

// watchdog ends the process if the whole exchange takes longer than d.
func (r *run) watchdog(d time.Duration) {
	time.AfterFunc(d, func() {
		r.mu.Lock()
		phase := r.phase
		r.mu.Unlock()
		os.Exit(r.finish(fmt.Sprintf("timeout after %s while %s", d, phase)))
	})
}

// streamHandler is given to Connection.Serve; it is called for every stream the
// server opens. A Kubernetes client accepts such streams with an empty
// SYN_REPLY and never uses them; --refuse-server-streams answers RST_STREAM
// (REFUSED_STREAM) instead.
func (r *run) streamHandler(s *spdystream.Stream) {
	entry := serverStream{ID: s.Identifier(), Headers: map[string][]string(s.Headers().Clone()), Refused: r.refuse}
	r.mu.Lock()
	r.serverStreams = append(r.serverStreams, entry)
	r.mu.Unlock()
	if r.refuse {
		_ = s.Refuse()
		return
	}
	_ = s.SendReply(http.Header{}, false)
}

// sessionEnd is reported as "sessionEnd": who ended the SPDY session.
func (r *run) sessionEnd() string {
	r.mu.Lock()
	s := r.sess
	r.mu.Unlock()
	if s == nil {
		return ""
	}
	s.endMu.Lock()
	end := s.end
	s.endMu.Unlock()
	if end != "" {
		return end
	}
	return s.state(0)
}

func printJSON(v interface{}) {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// ---------------------------------------------------------------------------
// HTTP/1.1 upgrade handshake

// upgradedConn is the TCP connection after the 101 response. Reads go through
// the bufio.Reader used to parse the response, since it may already hold the
// first SPDY frames the server sent right after the response headers.
type upgradedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *upgradedConn) Read(p []byte) (int, error) { return c.r.Read(p) }

type handshake struct {
	conn     net.Conn
	reader   *bufio.Reader
	resp     *http.Response
	status   int
	protocol string
	accepted []string
	body     string
}

func dialAndUpgrade(rawURL string, protocols []string, timeout time.Duration) (*handshake, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad --url: %v", err)
	}
	if u.Scheme != "http" {
		return nil, fmt.Errorf("bad --url %q: only http:// (plain TCP) is supported", rawURL)
	}
	hostPort := u.Host
	if u.Port() == "" {
		hostPort = net.JoinHostPort(u.Hostname(), "80")
	}
	conn, err := net.DialTimeout("tcp", hostPort, timeout)
	if err != nil {
		return nil, err
	}
	target := u.EscapedPath()
	if target == "" {
		target = "/"
	}
	if u.RawQuery != "" {
		target += "?" + u.RawQuery
	}

	var req strings.Builder
	fmt.Fprintf(&req, "POST %s HTTP/1.1\r\n", target)
	fmt.Fprintf(&req, "Host: %s\r\n", u.Host)
	req.WriteString("User-Agent: spdypeer/1.0 (spdystream)\r\n")
	req.WriteString("Content-Length: 0\r\n")
	req.WriteString("Connection: Upgrade\r\n")
	req.WriteString("Upgrade: SPDY/3.1\r\n")
	for _, p := range protocols {
		fmt.Fprintf(&req, "X-Stream-Protocol-Version: %s\r\n", p)
	}
	req.WriteString("\r\n")

	_ = conn.SetDeadline(time.Now().Add(timeout))
	if _, err := io.WriteString(conn, req.String()); err != nil {
		conn.Close()
		return nil, fmt.Errorf("writing upgrade request: %v", err)
	}
	br := bufio.NewReaderSize(conn, 64*1024)
	resp, err := http.ReadResponse(br, &http.Request{Method: http.MethodPost, URL: u})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("reading upgrade response: %v", err)
	}
	h := &handshake{
		conn:     conn,
		reader:   br,
		resp:     resp,
		status:   resp.StatusCode,
		protocol: resp.Header.Get("X-Stream-Protocol-Version"),
		accepted: resp.Header.Values("X-Accepted-Stream-Protocol-Versions"),
	}
	if h.accepted == nil {
		h.accepted = []string{}
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		conn.Close()
		h.body = string(body)
		if err != nil {
			return h, fmt.Errorf("reading %d response body: %v", resp.StatusCode, err)
		}
		return h, nil
	}
	// Like client-go's SPDY round tripper: a 101 must carry the upgrade headers.
	if !headerHasToken(resp.Header, "Connection", "upgrade") || !headerHasToken(resp.Header, "Upgrade", "spdy/3.1") {
		conn.Close()
		return h, fmt.Errorf("101 response without 'Connection: Upgrade' and 'Upgrade: SPDY/3.1' (got Connection=%q Upgrade=%q)",
			resp.Header.Values("Connection"), resp.Header.Values("Upgrade"))
	}
	_ = conn.SetDeadline(time.Time{})
	return h, nil
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// SPDY session helpers

type session struct {
	conn    *spdystream.Connection
	streams []*spdystream.Stream
	goaway  chan *spdystream.Stream
	endMu   sync.Mutex
	end     string // set by teardown
}

func startSession(h *handshake, r *run) (*session, error) {
	c, err := spdystream.NewConnection(&upgradedConn{Conn: h.conn, r: h.reader}, false)
	if err != nil {
		h.conn.Close()
		return nil, err
	}
	sess := &session{conn: c, goaway: make(chan *spdystream.Stream, 1)}
	// NotifyClose must be set before Serve starts; spdystream sends on the
	// channel when the server's GOAWAY is handled.
	c.NotifyClose(sess.goaway, 0)
	go c.Serve(r.streamHandler)
	r.mu.Lock()
	r.sess = sess
	r.mu.Unlock()
	return sess, nil
}

// state tells how the session stands: "open" while spdystream still reads
// frames, "server-goaway" when it stopped on the server's GOAWAY,
// "server-closed" when it stopped on EOF or on a frame it could not parse
// (spdystream does not say which; run with DEBUG=1 to see its log).
func (s *session) state(wait time.Duration) string {
	select {
	case <-s.conn.CloseChan():
	default:
		return "open"
	}
	// Serve closes CloseChan before it handles a GOAWAY it stopped on.
	select {
	case st := <-s.goaway:
		s.goaway <- st
		return "server-goaway"
	case <-time.After(wait):
		return "server-closed"
	}
}

// open sends SYN_STREAM with the given headers and waits for SYN_REPLY.
// spdystream's CreateStream itself does not wait for the reply.
func (s *session) open(headers http.Header) (*spdystream.Stream, error) {
	st, err := s.conn.CreateStream(headers, nil, false)
	if err != nil {
		return nil, err
	}
	s.streams = append(s.streams, st)
	if err := st.WaitTimeout(replyWait); err != nil {
		if errors.Is(err, spdystream.ErrReset) {
			return nil, fmt.Errorf("server answered SYN_STREAM %d with RST_STREAM", st.Identifier())
		}
		return nil, fmt.Errorf("no SYN_REPLY for stream %d: %v", st.Identifier(), err)
	}
	return st, nil
}

func (s *session) ping(r *run, timeout time.Duration) error {
	type result struct {
		d   time.Duration
		err error
	}
	ch := make(chan result, 1)
	go func() {
		d, err := s.conn.Ping()
		ch <- result{d, err}
	}()
	select {
	case res := <-ch:
		if res.err != nil {
			return res.err
		}
		ms := float64(res.d.Microseconds()) / 1000
		r.mu.Lock()
		r.pingMs = &ms
		r.mu.Unlock()
		return nil
	case <-time.After(timeout):
		return errors.New("no PING reply")
	}
}

// teardown closes the session the way a Kubernetes client does: RST_STREAM
// (CANCEL) for each stream whose write side is still open (spdystream's Reset
// sends nothing for a stream we already half-closed), then GOAWAY, after which
// spdystream closes the TCP connection since no stream is left.
func (s *session) teardown() {
	end := s.state(time.Second)
	if end == "open" {
		end = "client-goaway"
	}
	s.endMu.Lock()
	s.end = end
	s.endMu.Unlock()
	for _, st := range s.streams {
		_ = st.Reset()
	}
	_ = s.conn.Close()
	select {
	case <-s.conn.CloseChan():
	case <-time.After(5 * time.Second):
	}
}

// drain copies a stream into a sink until EOF (a FIN, a RST_STREAM or the end
// of the connection all look like EOF through spdystream's Read).
func drain(st *spdystream.Stream, dst *sink, wg *sync.WaitGroup) {
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, _ = io.Copy(dst, st)
	}()
}

// ---------------------------------------------------------------------------
// exec / attach

// sessionResult is what every subcommand reports about the HTTP upgrade and the SPDY session.
type sessionResult struct {
	Status        int            `json:"status"`
	Protocol      string         `json:"protocol"`
	Accepted      []string       `json:"accepted,omitempty"`
	Body          *string        `json:"body,omitempty"`
	SessionEnd    string         `json:"sessionEnd,omitempty"`
	PingMs        *float64       `json:"pingMs,omitempty"`
	ServerStreams []serverStream `json:"serverStreams,omitempty"`
	Failure       string         `json:"failure,omitempty"`
}

// sessionReport fills the common part of a report; upgraded says whether stream contents belong in it.
func (r *run) sessionReport(failure string, hs *handshake) (res sessionResult, upgraded bool) {
	res = sessionResult{Failure: failure, SessionEnd: r.sessionEnd()}
	r.mu.Lock()
	res.PingMs = r.pingMs
	res.ServerStreams = append([]serverStream(nil), r.serverStreams...)
	r.mu.Unlock()
	if hs == nil {
		return res, false
	}
	res.Status = hs.status
	res.Protocol = hs.protocol
	if hs.status != http.StatusSwitchingProtocols {
		res.Accepted = hs.accepted
		res.Body = strp(hs.body)
		return res, false
	}
	return res, true
}

type execResult struct {
	sessionResult
	Stdout *string `json:"stdout,omitempty"`
	Stderr *string `json:"stderr,omitempty"`
	Error  *string `json:"error,omitempty"`
}

func strp(s string) *string { return &s }

func runExec(args []string) int {
	fs := flag.NewFlagSet("exec", flag.ContinueOnError)
	rawURL := fs.String("url", "", "streaming URL returned by Exec/Attach (http://host:port/path)")
	protocols := fs.String("protocols", "v4.channel.k8s.io,v3.channel.k8s.io,v2.channel.k8s.io,channel.k8s.io",
		"comma-separated X-Stream-Protocol-Version values, in order")
	stdinText := fs.String("stdin", "", "open a stdin stream and write this text to it")
	noStdinClose := fs.Bool("no-stdin-close", false, "do not half-close stdin after writing")
	wantStdout := fs.Bool("stdout", false, "open a stdout stream")
	wantStderr := fs.Bool("stderr", false, "open a stderr stream (not with --tty)")
	tty := fs.Bool("tty", false, "tty mode: no stderr stream; a resize stream for v3/v4")
	doPing := fs.Bool("ping", false, "send a SPDY PING after the streams are open and report its round trip")
	refuse := fs.Bool("refuse-server-streams", false, "answer server-initiated streams with RST_STREAM instead of SYN_REPLY")
	timeout := fs.Duration("timeout", 20*time.Second, "overall time limit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rawURL == "" || fs.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "spdypeer exec: --url is required and no positional arguments are accepted")
		return 2
	}
	stdinGiven := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "stdin" {
			stdinGiven = true
		}
	})
	var protoList []string
	for _, p := range strings.Split(*protocols, ",") {
		if p = strings.TrimSpace(p); p != "" {
			protoList = append(protoList, p)
		}
	}

	r := &run{phase: "connecting", refuse: *refuse}
	var (
		hs                       *handshake
		stdoutS, stderrS, errorS sink
	)
	r.report = func(failure string) {
		common, upgraded := r.sessionReport(failure, hs)
		res := execResult{sessionResult: common}
		if upgraded {
			res.Stdout = strp(stdoutS.String())
			res.Stderr = strp(stderrS.String())
			res.Error = strp(errorS.String())
		}
		printJSON(res)
	}
	r.watchdog(*timeout)

	var err error
	r.setPhase("upgrading")
	hs, err = dialAndUpgrade(*rawURL, protoList, *timeout)
	if err != nil {
		return r.fail(err)
	}
	if hs.status != http.StatusSwitchingProtocols {
		return r.finish("")
	}
	negotiated := hs.protocol
	resizeSupported := negotiated == "v3.channel.k8s.io" || negotiated == "v4.channel.k8s.io"

	r.setPhase("starting SPDY session")
	sess, err := startSession(hs, r)
	if err != nil {
		return r.fail(err)
	}

	// One header, streamType, set through http.Header.Set (so canonicalised to
	// "Streamtype"); spdystream lower-cases names on the wire.
	openTyped := func(kind string) (*spdystream.Stream, error) {
		r.setPhase("opening " + kind + " stream")
		h := http.Header{}
		h.Set("streamType", kind)
		return sess.open(h)
	}
	var stdinSt, stdoutSt, stderrSt, resizeSt *spdystream.Stream
	errorSt, err := openTyped("error")
	if err == nil && stdinGiven {
		stdinSt, err = openTyped("stdin")
	}
	if err == nil && *wantStdout {
		stdoutSt, err = openTyped("stdout")
	}
	if err == nil && *wantStderr && !*tty {
		stderrSt, err = openTyped("stderr")
	}
	if err == nil && *tty && resizeSupported {
		resizeSt, err = openTyped("resize")
	}
	if err != nil {
		code := r.fail(err)
		sess.teardown()
		return code
	}

	// Start reading before writing anything: spdystream hands each DATA frame
	// to the reader synchronously.
	var outputs, errWG sync.WaitGroup
	if stdoutSt != nil {
		drain(stdoutSt, &stdoutS, &outputs)
	}
	if stderrSt != nil {
		drain(stderrSt, &stderrS, &outputs)
	}
	drain(errorSt, &errorS, &errWG)

	if *doPing {
		r.setPhase("pinging")
		if err := sess.ping(r, 10*time.Second); err != nil {
			code := r.fail(err)
			sess.teardown()
			return code
		}
	}
	if resizeSt != nil {
		r.setPhase("writing resize")
		if _, err := resizeSt.Write([]byte(`{"Width":80,"Height":24}`)); err != nil {
			code := r.fail(err)
			sess.teardown()
			return code
		}
	}
	if stdinSt != nil {
		r.setPhase("writing stdin")
		if len(*stdinText) > 0 {
			if _, err := stdinSt.Write([]byte(*stdinText)); err != nil {
				code := r.fail(err)
				sess.teardown()
				return code
			}
		}
		if !*noStdinClose {
			if err := stdinSt.Close(); err != nil {
				code := r.fail(fmt.Errorf("half-closing stdin: %v", err))
				sess.teardown()
				return code
			}
		}
	}

	r.setPhase("reading stdout/stderr")
	outputs.Wait()
	r.setPhase("reading error stream")
	errWG.Wait()
	r.setPhase("closing")
	sess.teardown()
	return r.finish("")
}

// ---------------------------------------------------------------------------
// portforward

type pfResult struct {
	sessionResult
	Data  *string `json:"data,omitempty"`
	Error *string `json:"error,omitempty"`
}

func runPortForward(args []string) int {
	fs := flag.NewFlagSet("portforward", flag.ContinueOnError)
	rawURL := fs.String("url", "", "streaming URL returned by PortForward (http://host:port/path)")
	port := fs.Int("port", -1, "container port to forward (sent in the 'port' header)")
	send := fs.String("send", "", "text to send on the data stream (\\r \\n \\t \\\\ \\xHH escapes are decoded)")
	requestID := fs.Int("request-id", 0, "value of the 'requestID' header")
	doPing := fs.Bool("ping", false, "send a SPDY PING after the streams are open and report its round trip")
	refuse := fs.Bool("refuse-server-streams", false, "answer server-initiated streams with RST_STREAM instead of SYN_REPLY")
	timeout := fs.Duration("timeout", 20*time.Second, "overall time limit")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *rawURL == "" || *port < 0 || fs.NArg() != 0 {
		fmt.Fprintln(os.Stderr, "spdypeer portforward: --url and --port are required and no positional arguments are accepted")
		return 2
	}
	payload, err := unescape(*send)
	if err != nil {
		fmt.Fprintf(os.Stderr, "spdypeer portforward: bad --send: %v\n", err)
		return 2
	}

	r := &run{phase: "connecting", refuse: *refuse}
	var (
		hs            *handshake
		dataS, errorS sink
	)
	r.report = func(failure string) {
		common, upgraded := r.sessionReport(failure, hs)
		res := pfResult{sessionResult: common}
		if upgraded {
			res.Data = strp(dataS.String())
			res.Error = strp(errorS.String())
		}
		printJSON(res)
	}
	r.watchdog(*timeout)

	r.setPhase("upgrading")
	hs, err = dialAndUpgrade(*rawURL, []string{"portforward.k8s.io"}, *timeout)
	if err != nil {
		return r.fail(err)
	}
	if hs.status != http.StatusSwitchingProtocols {
		return r.finish("")
	}
	r.setPhase("starting SPDY session")
	sess, err := startSession(hs, r)
	if err != nil {
		return r.fail(err)
	}

	headers := http.Header{}
	headers.Set("streamType", "error")
	headers.Set("port", strconv.Itoa(*port))
	headers.Set("requestID", strconv.Itoa(*requestID))
	r.setPhase("opening error stream")
	errorSt, err := sess.open(headers)
	if err != nil {
		code := r.fail(err)
		sess.teardown()
		return code
	}
	// The client never writes on the error stream: half-close it at once.
	if err := errorSt.Close(); err != nil {
		code := r.fail(fmt.Errorf("half-closing error stream: %v", err))
		sess.teardown()
		return code
	}
	var errWG, dataWG sync.WaitGroup
	drain(errorSt, &errorS, &errWG)

	dataHeaders := http.Header{}
	dataHeaders.Set("streamType", "data")
	dataHeaders.Set("port", strconv.Itoa(*port))
	dataHeaders.Set("requestID", strconv.Itoa(*requestID))
	r.setPhase("opening data stream")
	dataSt, err := sess.open(dataHeaders)
	if err != nil {
		code := r.fail(err)
		sess.teardown()
		return code
	}
	drain(dataSt, &dataS, &dataWG)

	if *doPing {
		r.setPhase("pinging")
		if err := sess.ping(r, 10*time.Second); err != nil {
			code := r.fail(err)
			sess.teardown()
			return code
		}
	}
	r.setPhase("writing data")
	if len(payload) > 0 {
		if _, err := dataSt.Write(payload); err != nil {
			code := r.fail(err)
			sess.teardown()
			return code
		}
	}
	if err := dataSt.Close(); err != nil {
		code := r.fail(fmt.Errorf("half-closing data stream: %v", err))
		sess.teardown()
		return code
	}
	r.setPhase("reading data stream")
	dataWG.Wait()
	r.setPhase("reading error stream")
	errWG.Wait()
	r.setPhase("closing")
	sess.teardown()
	return r.finish("")
}

// unescape decodes \r \n \t \0 \\ and \xHH in a flag value; any other byte is
// kept as is.
func unescape(s string) ([]byte, error) {
	var out []byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 == len(s) {
			out = append(out, c)
			continue
		}
		i++
		switch s[i] {
		case 'r':
			out = append(out, '\r')
		case 'n':
			out = append(out, '\n')
		case 't':
			out = append(out, '\t')
		case '0':
			out = append(out, 0)
		case '\\':
			out = append(out, '\\')
		case 'x':
			if i+2 >= len(s) {
				return nil, fmt.Errorf("truncated \\x escape")
			}
			v, err := strconv.ParseUint(s[i+1:i+3], 16, 8)
			if err != nil {
				return nil, fmt.Errorf("bad \\x escape %q", s[i-1:i+3])
			}
			out = append(out, byte(v))
			i += 2
		default:
			out = append(out, '\\', s[i])
		}
	}
	return out, nil
}
