using System.Threading.Channels;
using FakeCri.Cri.V1;

namespace FakeCri.Runtime.Internal;

/// <summary>
/// GetContainerEvents' fan-out. Every subscriber gets every event published after it subscribed, in order.
/// Each has a bounded buffer (<see cref="SubscriberCapacity"/>): a subscriber that falls that far behind is cut
/// off with RESOURCE_EXHAUSTED instead of stalling the runtime or silently missing events, and can resubscribe
/// and relist. Events published while nobody listens are kept (up to <see cref="BacklogCapacity"/>, for at most
/// five minutes of the runtime's clock, as containerd does) and handed to the first subscriber.
/// </summary>
internal sealed class ContainerEventHub
{
    public const int SubscriberCapacity = 4096;
    public const int BacklogCapacity = 1024;
    private static readonly TimeSpan BacklogAge = TimeSpan.FromMinutes(5);

    private readonly Lock _gate = new();
    private readonly List<Channel<ContainerEventResponse>> _subscribers = [];
    private readonly EventBacklog _backlog = new(BacklogCapacity, BacklogAge);
    private readonly TimeProvider _clock;
    private readonly List<(int Count, TaskCompletionSource Signal)> _waiters = [];
    private bool _closed;

    public ContainerEventHub(TimeProvider clock)
    {
        _clock = clock;
    }

    public int SubscriberCount
    {
        get
        {
            lock (_gate)
            {
                return _subscribers.Count;
            }
        }
    }

    public void Publish(ContainerEventResponse evt)
    {
        lock (_gate)
        {
            if (_subscribers.Count == 0)
            {
                _backlog.Add(_clock.GetUtcNow(), evt);
                return;
            }

            foreach (var subscriber in _subscribers.ToArray())
            {
                if (!subscriber.Writer.TryWrite(evt.Clone()))
                {
                    subscriber.Writer.TryComplete(new CriException(
                        Grpc.Core.StatusCode.ResourceExhausted,
                        $"event subscriber fell {SubscriberCapacity} events behind and was disconnected; resubscribe and relist"));
                    _subscribers.Remove(subscriber);
                }
            }
        }
    }

    public ChannelReader<ContainerEventResponse> Subscribe(out Action unsubscribe)
    {
        var channel = Channel.CreateBounded<ContainerEventResponse>(new BoundedChannelOptions(SubscriberCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of dropping: see Publish
        });
        lock (_gate)
        {
            if (_closed)
            {
                channel.Writer.TryComplete();
            }
            else
            {
                foreach (var held in _backlog.Drain(_clock.GetUtcNow()))
                {
                    channel.Writer.TryWrite(held);
                }

                _subscribers.Add(channel);
                foreach (var waiter in _waiters.Where(w => w.Count <= _subscribers.Count).ToList())
                {
                    waiter.Signal.TrySetResult();
                    _waiters.Remove(waiter);
                }
            }
        }

        unsubscribe = () =>
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }

            channel.Writer.TryComplete();
        };
        return channel.Reader;
    }

    /// <summary>Completes once at least <paramref name="count"/> subscribers are listening.</summary>
    public Task WhenSubscribedAsync(int count, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_subscribers.Count >= count)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, waiter));
            cancellationToken.Register(() => waiter.TrySetCanceled(cancellationToken));
            return waiter.Task;
        }
    }

    /// <summary>Ends every stream (the server is stopping).</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
            foreach (var subscriber in _subscribers)
            {
                subscriber.Writer.TryComplete();
            }

            _subscribers.Clear();
        }
    }
}
