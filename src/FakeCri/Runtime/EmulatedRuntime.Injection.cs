using FakeCri.Cri.V1;

namespace FakeCri.Runtime;

/// <summary>What a test can do to the runtime that no CRI call does: conditions, crashes, OOM kills.</summary>
public sealed partial class EmulatedRuntime
{
    private readonly Dictionary<string, RuntimeCondition> _conditions = new(StringComparer.Ordinal);

    /// <summary>
    /// Sets a runtime condition <c>Status</c> reports (e.g. <see cref="NetworkReadyCondition"/> false with reason
    /// <c>NetworkPluginNotReady</c>). While NetworkReady is false, RunPodSandbox fails for pods that are not on the
    /// host network, as containerd does without a CNI config.
    /// </summary>
    public void SetCondition(string type, bool status, string reason = "", string message = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        lock (_gate)
        {
            _conditions[type] = new RuntimeCondition { Type = type, Status = status, Reason = reason, Message = message };
        }
    }

    /// <summary>Restores RuntimeReady and NetworkReady to true and drops every other condition set.</summary>
    public void ResetConditions()
    {
        lock (_gate)
        {
            _conditions.Clear();
        }
    }

    /// <summary>
    /// Ends a RUNNING container's process now, as if it crashed with <paramref name="exitCode"/> (reason
    /// <c>Error</c>, or <c>Completed</c> for 0).
    /// </summary>
    /// <exception cref="CriException">NOT_FOUND for an unknown container, FAILED_PRECONDITION when it is not running.</exception>
    public void CrashContainer(string containerId, int exitCode = 1) => Terminate(containerId, exitCode, reason: null);

    /// <summary>Ends a RUNNING container's process now as the kernel's OOM killer does: 137, reason <c>OOMKilled</c>.</summary>
    /// <exception cref="CriException">NOT_FOUND for an unknown container, FAILED_PRECONDITION when it is not running.</exception>
    public void OomKillContainer(string containerId) => Terminate(containerId, 128 + 9, reason: "OOMKilled");

    private List<RuntimeCondition> CurrentConditions()
    {
        lock (_gate)
        {
            List<RuntimeCondition> conditions = [Condition(RuntimeReadyCondition), Condition(NetworkReadyCondition)];
            conditions.AddRange(_conditions
                .Where(c => c.Key is not (RuntimeReadyCondition or NetworkReadyCondition))
                .OrderBy(c => c.Key, StringComparer.Ordinal)
                .Select(c => c.Value.Clone()));
            return conditions;
        }

        RuntimeCondition Condition(string type) =>
            _conditions.TryGetValue(type, out var set) ? set.Clone() : new RuntimeCondition { Type = type, Status = true };
    }

    private bool NetworkReadyLocked(out RuntimeCondition? condition) =>
        !_conditions.TryGetValue(NetworkReadyCondition, out condition) || condition.Status;

    private void Terminate(string containerId, int exitCode, string? reason)
    {
        lock (_gate)
        {
            var container = FindContainer(containerId, FindContainerContext, notFoundIsNull: false)!;
            if (container.State != ContainerState.ContainerRunning)
            {
                throw CriException.FailedPrecondition(
                    $"container \"{container.Id}\" is in {StateName(container.State)} state, not running: nothing to end");
            }

            ExitLocked(container, exitCode, reason);
            container.MainProcess?.Signal(Processes.Signals.Kill);
            container.Context.Processes.KillAll();
            if (_sandboxes.TryGet(container.SandboxId, out var sandbox))
            {
                PublishLocked(container.Id, ContainerEventType.ContainerStoppedEvent, sandbox);
            }
        }
    }
}
