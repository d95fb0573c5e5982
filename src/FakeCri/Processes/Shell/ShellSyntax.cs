namespace FakeCri.Processes.Shell;

// The syntax tree of the POSIX-shell subset FakeCri's emulated `sh` understands: what pod specs, CRI test
// suites and tutorials put in `sh -c` scripts. ShellParser builds it; ShellInterpreter runs it.

/// <summary>Commands separated by <c>;</c>, <c>&amp;</c> or newlines, run in order.</summary>
internal sealed record CommandList(IReadOnlyList<AndOrList> Items)
{
    public static CommandList Empty { get; } = new([]);
}

/// <summary>
/// Pipelines joined by <c>&amp;&amp;</c> and <c>||</c> (left to right, equal precedence); <see cref="Background"/>
/// when the list ended with <c>&amp;</c>.
/// </summary>
internal sealed record AndOrList(Pipeline First, IReadOnlyList<AndOrStep> Rest, bool Background);

/// <summary>One <c>&amp;&amp; pipeline</c> or <c>|| pipeline</c> step.</summary>
internal sealed record AndOrStep(AndOrOperator Operator, Pipeline Pipeline);

/// <summary>The operator before an <see cref="AndOrStep"/>.</summary>
internal enum AndOrOperator
{
    /// <summary><c>&amp;&amp;</c>: run when the previous status was 0.</summary>
    And,

    /// <summary><c>||</c>: run when the previous status was not 0.</summary>
    Or,
}

/// <summary>Commands joined by <c>|</c>; <see cref="Negated"/> for a leading <c>!</c>.</summary>
internal sealed record Pipeline(IReadOnlyList<ShellCommand> Commands, bool Negated);

/// <summary>Any command: simple or compound, with its redirections.</summary>
internal abstract record ShellCommand(IReadOnlyList<Redirect> Redirects);

/// <summary><c>NAME=value ... word word ... redirections</c>. No words means only assignments (to the shell).</summary>
internal sealed record SimpleCommand(
    IReadOnlyList<Assignment> Assignments,
    IReadOnlyList<Word> Words,
    IReadOnlyList<Redirect> Redirects) : ShellCommand(Redirects);

/// <summary><c>if c; then b; elif c; then b; else b; fi</c>.</summary>
internal sealed record IfCommand(
    IReadOnlyList<ConditionalBranch> Branches,
    CommandList? Else,
    IReadOnlyList<Redirect> Redirects) : ShellCommand(Redirects);

/// <summary>One <c>if</c>/<c>elif</c> condition and its body.</summary>
internal sealed record ConditionalBranch(CommandList Condition, CommandList Body);

/// <summary><c>while c; do b; done</c>, or <c>until</c> when <see cref="Until"/>.</summary>
internal sealed record LoopCommand(
    CommandList Condition,
    CommandList Body,
    bool Until,
    IReadOnlyList<Redirect> Redirects) : ShellCommand(Redirects);

/// <summary><c>for name in words; do b; done</c>; <see cref="Items"/> null when <c>in</c> is absent (iterate "$@").</summary>
internal sealed record ForCommand(
    string Variable,
    IReadOnlyList<Word>? Items,
    CommandList Body,
    IReadOnlyList<Redirect> Redirects) : ShellCommand(Redirects);

/// <summary><c>{ list; }</c>, or <c>( list )</c> when <see cref="Subshell"/>.</summary>
internal sealed record GroupCommand(
    CommandList Body,
    bool Subshell,
    IReadOnlyList<Redirect> Redirects) : ShellCommand(Redirects);

/// <summary><c>name() { ...; }</c>.</summary>
internal sealed record FunctionDefinition(string Name, ShellCommand Body) : ShellCommand([]);

/// <summary><c>NAME=word</c> before a command.</summary>
internal sealed record Assignment(string Name, Word Value);

/// <summary>
/// A redirection: <c>[fd]&gt;word</c>, <c>[fd]&gt;&gt;word</c>, <c>[fd]&lt;word</c>, <c>[fd]&gt;&amp;N</c> (duplicate;
/// the target word holds N, or <c>-</c> to close).
/// </summary>
internal sealed record Redirect(int FileDescriptor, RedirectKind Kind, Word Target);

/// <summary>What a <see cref="Redirect"/> does.</summary>
internal enum RedirectKind
{
    /// <summary><c>&gt;</c> (default fd 1): truncate and write.</summary>
    Output,

    /// <summary><c>&gt;&gt;</c> (default fd 1): append.</summary>
    Append,

    /// <summary><c>&lt;</c> (default fd 0): read from a file.</summary>
    Input,

    /// <summary><c>&gt;&amp;</c> (default fd 1): make the fd a copy of another (<c>2&gt;&amp;1</c>).</summary>
    DuplicateOutput,

    /// <summary><c>&lt;&lt;</c> here-document; <see cref="Redirect.Target"/> holds the body.</summary>
    HereDocument,
}

/// <summary>A word before expansion: literal text, parameters and command substitutions.</summary>
internal sealed record Word(IReadOnlyList<WordPart> Parts)
{
    /// <summary>A word made of one literal.</summary>
    public static Word Literal(string text, bool quoted = false) => new([new LiteralPart(text, quoted)]);
}

/// <summary>A piece of a <see cref="Word"/>.</summary>
internal abstract record WordPart(bool Quoted);

/// <summary>Literal text. Quoted text is neither field-split nor glob-expanded.</summary>
internal sealed record LiteralPart(string Text, bool Quoted) : WordPart(Quoted);

/// <summary>
/// <c>$NAME</c>, <c>${NAME}</c>, <c>$?</c>, <c>$$</c>, <c>$!</c>, <c>$#</c>, <c>$@</c>, <c>$*</c>, <c>$0</c>..<c>$9</c>,
/// <c>${NAME:-word}</c> (<see cref="Operator"/> <c>:-</c>, also <c>-</c>, <c>:=</c>, <c>:+</c>, <c>+</c>), <c>${#NAME}</c>
/// (<see cref="Length"/>).
/// </summary>
internal sealed record ParameterPart(string Name, bool Quoted, string? Operator = null, Word? Argument = null, bool Length = false)
    : WordPart(Quoted);

/// <summary><c>$(list)</c> or <c>`list`</c>: replaced by the list's stdout without trailing newlines.</summary>
internal sealed record CommandSubstitutionPart(CommandList Command, bool Quoted) : WordPart(Quoted);

/// <summary><c>$((expression))</c>: integer arithmetic.</summary>
internal sealed record ArithmeticPart(string Expression, bool Quoted) : WordPart(Quoted);

/// <summary>A script the parser rejected; the message reads as busybox sh prints it.</summary>
internal sealed class ShellSyntaxException : Exception
{
    public ShellSyntaxException(string message)
        : base(message)
    {
    }
}
