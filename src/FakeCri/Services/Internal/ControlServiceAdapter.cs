using FakeCri.Behaviors;
using FakeCri.Control.V1;
using FakeCri.Cri.V1;
using FakeCri.Faults;
using FakeCri.Journal;
using FakeCri.Runtime;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using ControlContainer = FakeCri.Control.V1.Container;
using ControlFaultKind = FakeCri.Control.V1.FaultKind;
using ControlFaultMatch = FakeCri.Control.V1.FaultMatch;
using ControlFaultRule = FakeCri.Control.V1.FaultRule;
using ControlImage = FakeCri.Control.V1.Image;
using ControlJournalEntry = FakeCri.Control.V1.JournalEntry;
using Status = Grpc.Core.Status;

namespace FakeCri.Services.Internal;

/// <summary>
/// Serves <c>fakecri.control.v1.Control</c> by translating to the runtime, journal and fault injector — the same
/// objects a C# test reaches through <see cref="FakeCriServer"/>. Mistakes in a request are INVALID_ARGUMENT
/// naming the field; asking a real clock to move is FAILED_PRECONDITION.
/// </summary>
internal sealed class ControlServiceAdapter : Control.V1.Control.ControlBase
{
    private static readonly JsonFormatter Json = JsonFormatter.Default;

    private readonly EmulatedRuntime _runtime;
    private readonly CallJournal _journal;
    private readonly FaultInjector _faults;
    private readonly Scenarios.Internal.ScenarioApplier _scenarios;

    public ControlServiceAdapter(EmulatedRuntime runtime, CallJournal journal, FaultInjector faults)
    {
        _runtime = runtime;
        _journal = journal;
        _faults = faults;
        _scenarios = new Scenarios.Internal.ScenarioApplier(runtime, faults);
    }

    public override Task<GetStateResponse> GetState(GetStateRequest request, ServerCallContext context)
    {
        var snapshot = _runtime.Snapshot();
        var response = new GetStateResponse { TakenAt = Timestamp.FromDateTimeOffset(snapshot.TakenAt) };
        response.ReservedNames.Add(snapshot.ReservedNames.ToDictionary());
        foreach (var sandbox in snapshot.Sandboxes)
        {
            var message = new Sandbox
            {
                Id = sandbox.Id,
                Name = sandbox.Name,
                Namespace = sandbox.Namespace,
                Uid = sandbox.Uid,
                Attempt = sandbox.Attempt,
                State = sandbox.State == PodSandboxState.SandboxReady ? "READY" : "NOTREADY",
                Ip = sandbox.Ip,
                HostNetwork = sandbox.HostNetwork,
                RuntimeHandler = sandbox.RuntimeHandler,
                CreatedAt = Timestamp.FromDateTimeOffset(sandbox.CreatedAt),
                ContainerIds = { sandbox.ContainerIds },
            };
            message.Labels.Add(sandbox.Labels.ToDictionary());
            message.Annotations.Add(sandbox.Annotations.ToDictionary());
            response.Sandboxes.Add(message);
        }

        foreach (var container in snapshot.Containers)
        {
            response.Containers.Add(new ControlContainer
            {
                Id = container.Id,
                PodSandboxId = container.PodSandboxId,
                Name = container.Name,
                Attempt = container.Attempt,
                Image = container.Image,
                ImageId = container.ImageId,
                State = container.State switch
                {
                    ContainerState.ContainerCreated => "CREATED",
                    ContainerState.ContainerRunning => "RUNNING",
                    ContainerState.ContainerExited => "EXITED",
                    _ => "UNKNOWN",
                },
                CreatedAt = Timestamp.FromDateTimeOffset(container.CreatedAt),
                StartedAt = container.StartedAt is { } started ? Timestamp.FromDateTimeOffset(started) : null,
                FinishedAt = container.FinishedAt is { } finished ? Timestamp.FromDateTimeOffset(finished) : null,
                ExitCode = container.ExitCode,
                Reason = container.Reason,
                Message = container.Message,
                CommandLine = { container.CommandLine },
                LogPath = container.LogPath,
            });
        }

        foreach (var image in snapshot.Images)
        {
            response.Images.Add(new ControlImage
            {
                Id = image.Id,
                RepoTags = { image.RepoTags },
                RepoDigests = { image.RepoDigests },
                Size = image.Size,
                Pinned = image.Pinned,
            });
        }

        return Task.FromResult(response);
    }

    public override Task<GetJournalResponse> GetJournal(GetJournalRequest request, ServerCallContext context)
    {
        var entries = _journal.Entries
            .Where(e => e.Sequence > request.AfterSequence && (request.Method.Length == 0 || e.Method == request.Method));
        if (request.Limit > 0)
        {
            entries = entries.Take(request.Limit);
        }

        var response = new GetJournalResponse();
        response.Entries.Add(entries.Select(e => new ControlJournalEntry
        {
            Sequence = e.Sequence,
            Service = e.Service,
            Method = e.Method,
            StartedAt = Timestamp.FromDateTimeOffset(e.StartedAt),
            Duration = Duration.FromTimeSpan(e.Duration),
            Code = (int)e.Code,
            CodeName = e.Code.ToString(),
            Detail = e.Detail,
            Fault = e.Fault ?? string.Empty,
            RequestJson = e.Request is null ? string.Empty : Json.Format(e.Request),
            ResponseJson = e.Response is null ? string.Empty : Json.Format(e.Response),
            StreamedMessages = e.StreamedMessages,
        }));
        return Task.FromResult(response);
    }

    public override Task<AddFaultResponse> AddFault(AddFaultRequest request, ServerCallContext context)
    {
        var rule = request.Rule ?? throw Invalid("rule is missing");
        if (!System.Enum.IsDefined((StatusCode)rule.Code))
        {
            throw Invalid($"rule.code {rule.Code} is not a gRPC status code");
        }

        if (rule.Times < 0)
        {
            throw Invalid($"rule.times must not be negative, not {rule.Times}");
        }

        var added = Guard(() =>
        {
            if (rule.Kind == ControlFaultKind.Chaos)
            {
                return _faults.Chaos(rule.Probability, string.IsNullOrEmpty(rule.Method) ? Faults.FaultRule.AnyMethod : rule.Method, (StatusCode)rule.Code, rule.Seed == 0 ? null : rule.Seed);
            }

            return _faults.Add(new Faults.FaultRule
            {
                Method = string.IsNullOrEmpty(rule.Method) ? Faults.FaultRule.AnyMethod : rule.Method,
                Kind = rule.Kind == ControlFaultKind.Delay ? Faults.FaultKind.Delay : Faults.FaultKind.Fail,
                Code = rule.Kind == ControlFaultKind.Delay ? StatusCode.OK : (StatusCode)rule.Code,
                Message = rule.Message,
                Latency = rule.Latency?.ToTimeSpan() ?? TimeSpan.Zero,
                Times = rule.Times == 0 ? null : rule.Times,
                Match = rule.Match is null ? new() : new Faults.FaultMatch
                {
                    PodName = Empty(rule.Match.PodName),
                    PodNamespace = Empty(rule.Match.PodNamespace),
                    ContainerName = Empty(rule.Match.ContainerName),
                    Image = Empty(rule.Match.Image),
                },
            });
        });
        return Task.FromResult(new AddFaultResponse { Rule = ToMessage(added) });
    }

    public override Task<ListFaultsResponse> ListFaults(ListFaultsRequest request, ServerCallContext context)
    {
        var response = new ListFaultsResponse();
        response.Rules.Add(_faults.Rules.Select(ToMessage));
        return Task.FromResult(response);
    }

    public override Task<RemoveFaultResponse> RemoveFault(RemoveFaultRequest request, ServerCallContext context) =>
        _faults.Remove(request.Id)
            ? Task.FromResult(new RemoveFaultResponse())
            : throw new RpcException(new Status(StatusCode.NotFound, $"fault rule #{request.Id}: not found"));

    public override Task<SetConditionResponse> SetCondition(SetConditionRequest request, ServerCallContext context)
    {
        if (request.Type.Length == 0)
        {
            throw Invalid("type must name a condition, e.g. NetworkReady");
        }

        switch (request.Type)
        {
            case EmulatedRuntime.RuntimeReadyCondition:
                _faults.SetRuntimeReady(request.Status, request.Reason, request.Message);
                break;
            case EmulatedRuntime.NetworkReadyCondition when request.Reason.Length > 0 || request.Status:
                _faults.SetNetworkReady(request.Status, request.Reason, request.Message);
                break;
            case EmulatedRuntime.NetworkReadyCondition:
                _faults.SetNetworkReady(request.Status);
                break;
            default:
                _runtime.SetCondition(request.Type, request.Status, request.Reason, request.Message);
                break;
        }

        return Task.FromResult(new SetConditionResponse());
    }

    public override Task<CrashContainerResponse> CrashContainer(CrashContainerRequest request, ServerCallContext context)
    {
        var after = request.After?.ToTimeSpan() ?? TimeSpan.Zero;
        if (after < TimeSpan.Zero)
        {
            throw Invalid("after must not be negative");
        }

        if (_runtime.GetContainer(request.ContainerId) is not { } container)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"container \"{request.ContainerId}\": not found"));
        }

        if (request.Oom)
        {
            _faults.OomKillContainer(container.Id, after);
        }
        else
        {
            _faults.CrashContainer(container.Id, request.ExitCode, after);
        }

        return Task.FromResult(new CrashContainerResponse());
    }

    public override Task<AddBehaviorsResponse> AddBehaviors(AddBehaviorsRequest request, ServerCallContext context)
    {
        var behaviors = Guard(() => ContainerBehaviorDocument.Parse(request.Document));
        foreach (var behavior in behaviors)
        {
            _runtime.AddBehavior(behavior);
        }

        return Task.FromResult(new AddBehaviorsResponse { Added = behaviors.Count });
    }

    public override Task<SeedImagesResponse> SeedImages(SeedImagesRequest request, ServerCallContext context)
    {
        var response = new SeedImagesResponse();
        foreach (var reference in request.References)
        {
            response.ImageIds.Add(Guard(() => _runtime.SeedImage(reference)));
        }

        return Task.FromResult(response);
    }

    public override Task<LoadScenarioResponse> LoadScenario(LoadScenarioRequest request, ServerCallContext context)
    {
        var scenario = Guard(() => Scenarios.ScenarioDocument.Parse(request.Document));
        var result = Guard(() => _scenarios.Apply(scenario));
        return Task.FromResult(new LoadScenarioResponse { SandboxIds = { result.SandboxIds }, ContainerIds = { result.ContainerIds } });
    }

    public override Task<GetClockResponse> GetClock(GetClockRequest request, ServerCallContext context) =>
        Task.FromResult(new GetClockResponse
        {
            Now = Timestamp.FromDateTimeOffset(_runtime.Clock.GetUtcNow()),
            Virtual = _runtime.HasVirtualClock,
            NextTimerDue = _runtime.NextTimerDueAt is { } due ? Timestamp.FromDateTimeOffset(due) : null,
        });

    public override async Task<AdvanceClockResponse> AdvanceClock(AdvanceClockRequest request, ServerCallContext context)
    {
        if (!_runtime.HasVirtualClock)
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition, "the server runs on the real clock: start it with fakecri serve --virtual-clock to move time"));
        }

        if (request.ToNextTimer)
        {
            await _runtime.AdvanceToNextTimerAsync(context.CancellationToken).ConfigureAwait(false);
        }
        else
        {
            var by = request.By?.ToTimeSpan() ?? TimeSpan.Zero;
            if (by < TimeSpan.Zero)
            {
                throw Invalid("by must not be negative: a clock only moves forward");
            }

            _runtime.AdvanceClock(by);
        }

        return new AdvanceClockResponse { Now = Timestamp.FromDateTimeOffset(_runtime.Clock.GetUtcNow()) };
    }

    public override Task<ResetResponse> Reset(ResetRequest request, ServerCallContext context)
    {
        var all = !request.State && !request.Journal && !request.Faults;
        if (all || request.Faults)
        {
            _faults.Clear();
        }

        if (all || request.State)
        {
            _runtime.Reset();
        }

        if (all || request.Journal)
        {
            _journal.Clear();
        }

        return Task.FromResult(new ResetResponse());
    }

    private static ControlFaultRule ToMessage(Faults.FaultRule rule) => new()
    {
        Id = rule.Id,
        Method = rule.Method,
        Kind = rule.Kind switch
        {
            Faults.FaultKind.Delay => ControlFaultKind.Delay,
            Faults.FaultKind.Chaos => ControlFaultKind.Chaos,
            _ => ControlFaultKind.Fail,
        },
        Code = (int)rule.Code,
        Message = rule.Message,
        Latency = Duration.FromTimeSpan(rule.Latency),
        Probability = rule.Probability,
        Times = rule.Times ?? 0,
        Match = new ControlFaultMatch
        {
            PodName = rule.Match.PodName ?? string.Empty,
            PodNamespace = rule.Match.PodNamespace ?? string.Empty,
            ContainerName = rule.Match.ContainerName ?? string.Empty,
            Image = rule.Match.Image ?? string.Empty,
        },
        Description = rule.Description,
    };

    private static string? Empty(string text) => text.Length == 0 ? null : text;

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    /// <summary>Runs a step whose argument and format errors are the client's mistakes: INVALID_ARGUMENT with the text.</summary>
    private static T Guard<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (Exception error) when (error is ArgumentException or FormatException)
        {
            throw Invalid(error.Message);
        }
    }
}
