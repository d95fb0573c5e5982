using System.CommandLine;
using System.Globalization;
using FakeCri.Behaviors;
using FakeCri.Control.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;

namespace FakeCri.Cli.Control;

/// <summary>
/// The subcommands that drive a running fake through <c>fakecri.control.v1.Control</c>: state, journal, fault,
/// condition, crash, clock, behaviors, images, scenario and reset.
/// </summary>
internal static class ControlCommands
{
    public static IEnumerable<Command> Create()
    {
        var endpoint = ControlConnection.EndpointOption();
        yield return State(endpoint);
        yield return Journal(endpoint);
        yield return Fault(endpoint);
        yield return Condition(endpoint);
        yield return Crash(endpoint);
        yield return Clock(endpoint);
        yield return Document(endpoint, "behaviors", "Add declared container behaviours from a ContainerBehaviors file.", async (client, text, ct) =>
            Console.WriteLine($"added {(await client.AddBehaviorsAsync(new AddBehaviorsRequest { Document = text }, cancellationToken: ct)).Added} behaviour(s)"));
        yield return Document(endpoint, "scenario", "Apply a Scenario file: images, behaviours, faults, conditions and pods.", async (client, text, ct) =>
        {
            var result = await client.LoadScenarioAsync(new LoadScenarioRequest { Document = text }, cancellationToken: ct);
            Console.WriteLine($"seeded {result.SandboxIds.Count} pod(s) and {result.ContainerIds.Count} container(s)");
        });
        yield return Images(endpoint);
        yield return Reset(endpoint);
    }

    private static Command State(Option<string> endpoint)
    {
        var json = new Option<bool>("--json") { Description = "Print the state as protobuf JSON." };
        var command = new Command("state", "Show the fake's sandboxes, containers, images and reserved names.") { endpoint, json };
        command.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
        {
            var state = await client.GetStateAsync(new GetStateRequest(), cancellationToken: token);
            Console.Write(parse.GetValue(json) ? state + "\n" : StateText.Render(state));
        }, ct));
        return command;
    }

    private static Command Journal(Option<string> endpoint)
    {
        var method = new Option<string>("--method", "-m") { Description = "Only calls of this RPC (e.g. PullImage)." };
        var after = new Option<long>("--after") { Description = "Only entries after this sequence number." };
        var limit = new Option<int>("--limit") { Description = "At most this many entries." };
        var json = new Option<bool>("--json") { Description = "One JSON object per line, with requests and responses." };
        var command = new Command("journal", "Show the CRI calls the fake served, oldest first.") { endpoint, method, after, limit, json };
        command.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
        {
            var journal = await client.GetJournalAsync(
                new GetJournalRequest { Method = parse.GetValue(method) ?? string.Empty, AfterSequence = parse.GetValue(after), Limit = parse.GetValue(limit) },
                cancellationToken: token);
            foreach (var entry in journal.Entries)
            {
                Console.WriteLine(parse.GetValue(json) ? entry.ToString() : StateText.Render(entry));
            }
        }, ct));
        return command;
    }

    private static Command Fault(Option<string> endpoint)
    {
        var method = new Argument<string>("method") { Description = "The CRI RPC (e.g. PullImage), or * for every one." };
        var kind = new Option<string>("--kind") { Description = "fail (default), delay or chaos.", DefaultValueFactory = _ => "fail" };
        var code = new Option<string>("--code") { Description = "Status of failing calls: a name (Unavailable, NOT_FOUND) or number.", DefaultValueFactory = _ => "Unavailable" };
        var message = new Option<string>("--message") { Description = "Status message of failing calls.", DefaultValueFactory = _ => "injected by fakecri" };
        var times = new Option<int>("--times") { Description = "Apply to this many calls (default: until removed)." };
        var latency = new Option<string>("--latency") { Description = "For delay: how long, on the fake's clock (250ms, 3s, 1m)." };
        var probability = new Option<double>("--probability") { Description = "For chaos: the chance a call fails (0..1)." };
        var seed = new Option<int>("--seed") { Description = "For chaos: restart the random sequence from this seed." };
        var pod = new Option<string>("--pod") { Description = "Only calls about this pod name." };
        var podNamespace = new Option<string>("--namespace") { Description = "Only calls about pods in this namespace." };
        var container = new Option<string>("--container") { Description = "Only calls about this container name." };
        var image = new Option<string>("--image") { Description = "Only calls naming this image (any reference form)." };
        var add = new Command("add", "Add a fault rule.") { method, kind, code, message, times, latency, probability, seed, pod, podNamespace, container, image };
        add.SetAction((parse, ct) =>
        {
            if (!TryParseCode(parse.GetValue(code)!, out var status))
            {
                return Usage($"--code: \"{parse.GetValue(code)}\" is not a gRPC status code");
            }

            var latencyText = parse.GetValue(latency);
            TimeSpan delay = default;
            if (latencyText is not null && !ContainerBehavior.TryParseDuration(latencyText, out delay))
            {
                return Usage($"--latency: \"{latencyText}\" is not a duration (250ms, 3s, 1m)");
            }

            var rule = new FaultRule
            {
                Method = parse.GetValue(method)!,
                Kind = parse.GetValue(kind)!.ToLowerInvariant() switch
                {
                    "delay" => FaultKind.Delay,
                    "chaos" => FaultKind.Chaos,
                    _ => FaultKind.Fail,
                },
                Code = (int)status,
                Message = parse.GetValue(message)!,
                Times = parse.GetValue(times),
                Latency = Duration.FromTimeSpan(delay),
                Probability = parse.GetValue(probability),
                Seed = parse.GetValue(seed),
                Match = new FaultMatch
                {
                    PodName = parse.GetValue(pod) ?? string.Empty,
                    PodNamespace = parse.GetValue(podNamespace) ?? string.Empty,
                    ContainerName = parse.GetValue(container) ?? string.Empty,
                    Image = parse.GetValue(image) ?? string.Empty,
                },
            };
            return ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
                Console.WriteLine((await client.AddFaultAsync(new AddFaultRequest { Rule = rule }, cancellationToken: token)).Rule.Description), ct);
        });

        var list = new Command("list", "List the fault rules in force.");
        list.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
        {
            foreach (var rule in (await client.ListFaultsAsync(new ListFaultsRequest(), cancellationToken: token)).Rules)
            {
                Console.WriteLine(rule.Description);
            }
        }, ct));

        var id = new Argument<int>("id") { Description = "The rule's number, as `fault list` shows it (#3 → 3)." };
        var remove = new Command("remove", "Remove a fault rule.") { id };
        remove.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
            await client.RemoveFaultAsync(new RemoveFaultRequest { Id = parse.GetValue(id) }, cancellationToken: token), ct));

        var clear = new Command("clear", "Remove every fault rule, scheduled crash and condition.");
        clear.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
            await client.ResetAsync(new ResetRequest { Faults = true }, cancellationToken: token), ct));

        return new Command("fault", "Inject faults into CRI calls.") { endpoint, add, list, remove, clear };
    }

    private static Command Condition(Option<string> endpoint)
    {
        var type = new Argument<string>("type") { Description = "RuntimeReady, NetworkReady or another condition type." };
        var status = new Argument<bool>("status") { Description = "true or false." };
        var reason = new Option<string>("--reason") { Description = "A CamelCase reason, e.g. NetworkPluginNotReady." };
        var message = new Option<string>("--message") { Description = "A message for humans." };
        var command = new Command("condition", "Set a runtime condition that Status reports.") { endpoint, type, status, reason, message };
        command.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
            await client.SetConditionAsync(
                new SetConditionRequest
                {
                    Type = parse.GetValue(type)!,
                    Status = parse.GetValue(status),
                    Reason = parse.GetValue(reason) ?? string.Empty,
                    Message = parse.GetValue(message) ?? string.Empty,
                },
                cancellationToken: token),
            ct));
        return command;
    }

    private static Command Crash(Option<string> endpoint)
    {
        var container = new Argument<string>("container") { Description = "Container ID or unique prefix." };
        var exitCode = new Option<int>("--exit-code") { Description = "The exit code (default 1).", DefaultValueFactory = _ => 1 };
        var oom = new Option<bool>("--oom") { Description = "An OOM kill instead: 137, reason OOMKilled." };
        var after = new Option<string>("--after") { Description = "When, on the fake's clock (e.g. 30s); default now." };
        var command = new Command("crash", "End a running container as a crash or an OOM kill.") { endpoint, container, exitCode, oom, after };
        command.SetAction((parse, ct) =>
        {
            TimeSpan delay = default;
            if (parse.GetValue(after) is { } text && !ContainerBehavior.TryParseDuration(text, out delay))
            {
                return Usage($"--after: \"{text}\" is not a duration (250ms, 3s, 1m)");
            }

            return ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
                await client.CrashContainerAsync(
                    new CrashContainerRequest { ContainerId = parse.GetValue(container)!, ExitCode = parse.GetValue(exitCode), Oom = parse.GetValue(oom), After = Duration.FromTimeSpan(delay) },
                    cancellationToken: token),
                ct);
        });
        return command;
    }

    private static Command Clock(Option<string> endpoint)
    {
        var show = new Command("now", "Show the fake's clock and the next scheduled timer.");
        show.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
            Console.WriteLine(StateText.Render(await client.GetClockAsync(new GetClockRequest(), cancellationToken: token))), ct));

        var by = new Argument<string>("duration") { Description = "How far: 250ms, 30s, 5m, 1h." };
        var advance = new Command("advance", "Move a virtual clock forward (fakecri serve --virtual-clock).") { by };
        advance.SetAction((parse, ct) =>
        {
            if (!ContainerBehavior.TryParseDuration(parse.GetValue(by)!, out var duration))
            {
                return Usage($"duration: \"{parse.GetValue(by)}\" is not a duration (250ms, 30s, 5m, 1h)");
            }

            return ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
                Console.WriteLine(StateText.Format((await client.AdvanceClockAsync(new AdvanceClockRequest { By = Duration.FromTimeSpan(duration) }, cancellationToken: token)).Now)), ct);
        });

        var next = new Command("next", "Move a virtual clock to the next scheduled timer.");
        next.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
            Console.WriteLine(StateText.Format((await client.AdvanceClockAsync(new AdvanceClockRequest { ToNextTimer = true }, cancellationToken: token)).Now)), ct));

        return new Command("clock", "Show or move the fake's clock.") { endpoint, show, advance, next };
    }

    private static Command Images(Option<string> endpoint)
    {
        var references = new Argument<string[]>("references") { Description = "Image references to make local, as if pulled.", Arity = ArgumentArity.OneOrMore };
        var seed = new Command("seed", "Put images into the local store without a CRI pull.") { references };
        seed.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
        {
            var result = await client.SeedImagesAsync(new SeedImagesRequest { References = { parse.GetValue(references)! } }, cancellationToken: token);
            foreach (var (reference, id) in parse.GetValue(references)!.Zip(result.ImageIds))
            {
                Console.WriteLine($"{reference} {id}");
            }
        }, ct));
        return new Command("images", "Manage the fake's local images.") { endpoint, seed };
    }

    private static Command Reset(Option<string> endpoint)
    {
        var state = new Option<bool>("--state") { Description = "Clear sandboxes, containers and images." };
        var journal = new Option<bool>("--journal") { Description = "Clear the call journal." };
        var faults = new Option<bool>("--faults") { Description = "Clear fault rules, scheduled crashes and conditions." };
        var command = new Command("reset", "Start over: clear state, journal and faults (all three unless some are chosen).") { endpoint, state, journal, faults };
        command.SetAction((parse, ct) => ControlConnection.RunAsync(parse, endpoint, async (client, token) =>
            await client.ResetAsync(
                new ResetRequest { State = parse.GetValue(state), Journal = parse.GetValue(journal), Faults = parse.GetValue(faults) },
                cancellationToken: token),
            ct));
        return command;
    }

    private static Command Document(Option<string> endpoint, string name, string description, Func<FakeCri.Control.V1.Control.ControlClient, string, CancellationToken, Task> send)
    {
        var file = new Argument<FileInfo>("file") { Description = "A YAML or JSON file." };
        var load = new Command("load", description) { file };
        load.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                return await Usage($"{path.FullName} does not exist").ConfigureAwait(false);
            }

            var text = await File.ReadAllTextAsync(path.FullName, ct).ConfigureAwait(false);
            return await ControlConnection.RunAsync(parse, endpoint, (client, token) => send(client, text, token), ct).ConfigureAwait(false);
        });
        return new Command(name, description) { endpoint, load };
    }

    private static bool TryParseCode(string text, out StatusCode code)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && System.Enum.IsDefined((StatusCode)number))
        {
            code = (StatusCode)number;
            return true;
        }

        return System.Enum.TryParse(text.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out code)
            && !int.TryParse(text, CultureInfo.InvariantCulture, out _);
    }

    private static async Task<int> Usage(string message)
    {
        await Console.Error.WriteLineAsync($"fakecri: {message}").ConfigureAwait(false);
        return ExitCodes.Usage;
    }
}
