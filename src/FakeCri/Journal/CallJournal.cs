using System.Globalization;
using System.Text;
using System.Text.Json;
using FakeCri.Cri.V1;
using FakeCri.Journal.Internal;
using Google.Protobuf;
using Grpc.Core;

namespace FakeCri.Journal;

/// <summary>
/// Every CRI call the fake served, in order, with request, response or status, duration and virtual timestamp —
/// and every fault injected outside a call. Read it to see what a client under test did; assert on it the way
/// the Go fakes' <c>AssertCalls</c> does, with a readable diff when it differs.
/// </summary>
/// <remarks>
/// The journal keeps the newest <see cref="FakeCriOptions.JournalCapacity"/> entries; sequence numbers keep
/// counting, so a gap at the start shows entries were dropped. A call is recorded when it ends (a stream when it
/// closes). All members are thread-safe.
/// </remarks>
public sealed class CallJournal
{
    private static readonly JsonFormatter MessageFormatter = JsonFormatter.Default;

    private readonly Lock _gate = new();
    private readonly JournalRing _entries;
    private readonly List<(string Method, int Times, TaskCompletionSource<JournalEntry> Signal)> _waiters = [];
    private long _sequence;

    // Messages are serialised on the caller's thread, outside the lock, then copied into the ring.
    [ThreadStatic]
    private static byte[]? _scratch;

    internal CallJournal(int capacity)
    {
        _entries = new JournalRing(Math.Max(1, capacity));
    }

    /// <summary>A snapshot of the entries, oldest first.</summary>
    public IReadOnlyList<JournalEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                var entries = new JournalEntry[_entries.Count];
                for (var i = 0; i < entries.Length; i++)
                {
                    entries[i] = _entries.EntryAt(i);
                }

                return entries;
            }
        }
    }

    /// <summary>The CRI calls (no stand-alone fault entries), oldest first.</summary>
    public IReadOnlyList<JournalEntry> AllCalls => [.. Entries.Where(e => e.IsCall)];

    /// <summary>The calls of one RPC (short name, e.g. <c>PullImage</c>), oldest first.</summary>
    public IReadOnlyList<JournalEntry> Calls(string method) => [.. Entries.Where(e => e.IsCall && e.Method == method)];

    /// <summary>Every request of type <typeparamref name="TRequest"/> the fake received, oldest first.</summary>
    public IReadOnlyList<TRequest> Requests<TRequest>()
        where TRequest : class, IMessage => [.. Entries.Where(e => e.HasRequestOf(typeof(TRequest))).Select(e => (TRequest)e.Request!)];

    /// <summary>How many times an RPC was called.</summary>
    public int Count(string method) => Calls(method).Count;

    /// <summary>The latest call of an RPC, or null.</summary>
    public JournalEntry? Last(string method) => Calls(method).LastOrDefault();

    /// <summary>
    /// Completes with the <paramref name="times"/>-th recorded call of <paramref name="method"/> (counting the
    /// entries the journal holds): await it instead of polling while a client under test works concurrently.
    /// </summary>
    public Task<JournalEntry> WhenCalledAsync(string method, int times = 1, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(times, 1);
        lock (_gate)
        {
            var seen = 0;
            for (var i = 0; i < _entries.Count; i++)
            {
                ref readonly var call = ref _entries.CallAt(i);
                if (call.IsCall && call.Method == method && ++seen == times)
                {
                    return Task.FromResult(_entries.EntryAt(i));
                }
            }

            var signal = new TaskCompletionSource<JournalEntry>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((method, times, signal));
            cancellationToken.Register(() => signal.TrySetCanceled(cancellationToken));
            return signal.Task;
        }
    }

    /// <summary>
    /// Asserts the CRI calls, in order, were exactly <paramref name="methods"/> (short names).
    /// </summary>
    /// <exception cref="JournalAssertionException">They differ; the message shows both lists and where.</exception>
    public void AssertCalls(params string[] methods)
    {
        var calls = AllCalls;
        if (calls.Select(c => c.Method).SequenceEqual(methods, StringComparer.Ordinal))
        {
            return;
        }

        throw new JournalAssertionException(DescribeDifference(methods, calls));
    }

    /// <summary>Asserts <paramref name="method"/> was called exactly <paramref name="times"/> times.</summary>
    /// <exception cref="JournalAssertionException">It was not; the message lists the calls there were.</exception>
    public void AssertCalled(string method, int times)
    {
        var count = Count(method);
        if (count != times)
        {
            throw new JournalAssertionException(
                $"expected {method} to be called {times} time(s) but it was called {count} time(s); calls: "
                + string.Join(", ", AllCalls.Select(c => c.Method)));
        }
    }

    /// <summary>
    /// Asserts a PullImage of <paramref name="image"/> arrived with exactly these credentials (null: none),
    /// like the Go fake's <c>AssertImagePulledWithAuth</c>.
    /// </summary>
    /// <exception cref="JournalAssertionException">No such pull; the message lists the pulls there were.</exception>
    public void AssertImagePulledWithAuth(string image, AuthConfig? auth)
    {
        var pulls = Requests<PullImageRequest>();
        if (pulls.Any(p => p.Image?.Image == image && Equals(p.Auth, auth)))
        {
            return;
        }

        var seen = pulls.Select(p => $"{p.Image?.Image} (auth: {(p.Auth is null ? "none" : p.Auth.ToString())})");
        throw new JournalAssertionException(
            $"expected a pull of {image} with auth {(auth is null ? "none" : auth.ToString())}; pulls: "
            + (pulls.Count == 0 ? "none" : string.Join(", ", seen)));
    }

    /// <summary>Forgets every entry (sequence numbers keep counting).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    /// <summary>The entries as JSON lines: one object per entry, requests and responses in protobuf JSON.</summary>
    public string ToJsonLines()
    {
        var text = new StringBuilder();
        foreach (var entry in Entries)
        {
            text.Append(ToJson(entry)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>One entry as a single-line JSON object.</summary>
    public static string ToJson(JournalEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("seq", entry.Sequence);
            json.WriteString("time", entry.StartedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("service", entry.Service);
            json.WriteString("method", entry.Method);
            json.WriteNumber("durationMs", entry.Duration.TotalMilliseconds);
            json.WriteString("code", entry.Code.ToString());
            if (entry.Detail.Length > 0)
            {
                json.WriteString("detail", entry.Detail);
            }

            if (entry.Fault is not null)
            {
                json.WriteString("fault", entry.Fault);
            }

            if (entry.Request is not null)
            {
                json.WritePropertyName("request");
                json.WriteRawValue(MessageFormatter.Format(entry.Request));
            }

            if (entry.Response is not null)
            {
                json.WritePropertyName("response");
                json.WriteRawValue(MessageFormatter.Format(entry.Response));
            }

            if (entry.StreamedMessages > 0)
            {
                json.WriteNumber("streamed", entry.StreamedMessages);
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Records a call or fault, giving it the next sequence number; the messages are serialised here.</summary>
    internal void Record(
        string service, string method, DateTimeOffset startedAt, TimeSpan duration, IMessage? request, IMessage? response, int streamedMessages,
        StatusCode code, string detail, string? fault)
    {
        var requestLength = request?.CalculateSize() ?? 0;
        var responseLength = response?.CalculateSize() ?? 0;
        var length = requestLength + responseLength;
        var scratch = _scratch is { } kept && kept.Length >= length ? kept : new byte[Math.Max(length, 4096)];
        request?.WriteTo(scratch.AsSpan(0, requestLength));
        response?.WriteTo(scratch.AsSpan(requestLength, responseLength));
        if (length <= 64 * 1024)
        {
            _scratch = scratch;
        }

        Record(
            service, method, startedAt, duration, request?.GetType(), scratch.AsSpan(0, requestLength), response?.GetType(),
            scratch.AsSpan(requestLength, responseLength), streamedMessages, code, detail, fault);
    }

    /// <summary>
    /// Records a call whose messages' wire bytes are already at hand (a door that has them: see
    /// <see cref="IWireBytesContext"/>), giving it the next sequence number.
    /// </summary>
    internal void Record(
        string service, string method, DateTimeOffset startedAt, TimeSpan duration, Type? requestType, ReadOnlySpan<byte> request,
        Type? responseType, ReadOnlySpan<byte> response, int streamedMessages, StatusCode code, string detail, string? fault)
    {
        List<TaskCompletionSource<JournalEntry>>? ready = null;
        JournalEntry? entry = null;
        lock (_gate)
        {
            var call = new JournalCall(
                ++_sequence, service, method, startedAt, duration, requestType, request.Length, responseType, response.Length, streamedMessages, code,
                detail, fault);
            _entries.Add(call, request, response);
            if (call.IsCall)
            {
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    var waiter = _waiters[i];
                    if (waiter.Method == method && CountCalls(method) >= waiter.Times)
                    {
                        (ready ??= []).Add(waiter.Signal);
                        _waiters.RemoveAt(i);
                    }
                }

                if (ready is not null)
                {
                    entry = _entries.EntryAt(_entries.Count - 1);
                }
            }
        }

        foreach (var signal in ready ?? [])
        {
            signal.TrySetResult(entry!);
        }
    }

    /// <summary>Records a fault injected outside any call.</summary>
    internal void RecordFault(string name, DateTimeOffset at, string description) =>
        Record(JournalEntry.FaultService, name, at, TimeSpan.Zero, null, null, 0, StatusCode.OK, string.Empty, description);

    private int CountCalls(string method)
    {
        var count = 0;
        for (var i = 0; i < _entries.Count; i++)
        {
            ref readonly var call = ref _entries.CallAt(i);
            if (call.IsCall && call.Method == method)
            {
                count++;
            }
        }

        return count;
    }

    private static string DescribeDifference(IReadOnlyList<string> expected, IReadOnlyList<JournalEntry> actual)
    {
        var rows = Math.Max(expected.Count, actual.Count);
        var first = Enumerable.Range(0, rows).First(i => i >= expected.Count || i >= actual.Count || expected[i] != actual[i].Method);
        var width = Math.Max("expected".Length, expected.DefaultIfEmpty(string.Empty).Max(m => m.Length));
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"the CRI calls differ from the expected ones, first at #{first + 1} ({expected.Count} expected, {actual.Count} made):\n")
            .Append(CultureInfo.InvariantCulture, $"     #  {"expected".PadRight(width)}  actual\n");
        for (var i = 0; i < rows; i++)
        {
            var want = i < expected.Count ? expected[i] : "-";
            var got = i < actual.Count ? Describe(actual[i]) : "-";
            var same = i < expected.Count && i < actual.Count && expected[i] == actual[i].Method;
            text.Append(CultureInfo.InvariantCulture, $"  {(same ? ' ' : '✗')} {i + 1,2}  {want.PadRight(width)}  {got}\n");
        }

        return text.ToString();

        static string Describe(JournalEntry call) => call.Code == StatusCode.OK ? call.Method : $"{call.Method} → {call.Code}";
    }
}
