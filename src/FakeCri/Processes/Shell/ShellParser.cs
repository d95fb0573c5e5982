using System.Diagnostics.CodeAnalysis;

namespace FakeCri.Processes.Shell;

/// <summary>
/// Parses the POSIX-shell subset in ShellSyntax.cs into a <see cref="CommandList"/> the way busybox <c>ash</c> does: the same grammar
/// corners (reserved words only where a command starts, <c>name()</c> followed by any command, <c>&amp;&gt;</c>) and
/// the same error messages, without the <c>sh: </c> prefix the interpreter adds.
/// </summary>
/// <remarks>
/// Unlike ash, which parses and runs one line at a time, the whole script is parsed up front, so a syntax error on a
/// later line stops the script before its first line runs.
/// </remarks>
internal static class ShellParser
{
    /// <summary>Reserved words; a word is one only when unquoted and where a command (or a clause) starts.</summary>
    private static readonly HashSet<string> ReservedWords =
    [
        "!", "{", "}", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in", "then",
        "until", "while",
    ];

    /// <summary>Reserved words that end a list (the caller then checks it is the one it expects).</summary>
    private static readonly HashSet<string> ListTerminators = ["}", "do", "done", "elif", "else", "esac", "fi", "then"];

    /// <summary>Busybox refuses these as function names: special built-ins always win the lookup.</summary>
    private static readonly HashSet<string> SpecialBuiltIns =
    [
        "break", "continue", "eval", "exec", "exit", "export", "readonly", "return", "set", "shift", "times", "trap",
        "unset",
    ];

    /// <summary>Parses <paramref name="script"/>; throws <see cref="ShellSyntaxException"/> when it is not valid.</summary>
    public static CommandList Parse(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return new Grammar(new ShellLexer(script)).ParseScript();
    }

    /// <summary>Parses the list of a <c>$(</c> the lexer just read, up to and including its <c>)</c>.</summary>
    internal static CommandList ParseCommandSubstitution(ShellLexer lexer) => new Grammar(lexer).ParseSubstitution();

    /// <summary>Parses the unescaped text of a backquoted substitution as a script nested <paramref name="depth"/> deep.</summary>
    internal static CommandList ParseBackquoted(string text, int depth) =>
        new Grammar(new ShellLexer(text, depth)).ParseScript();

    /// <summary>True for <c>[A-Za-z_][A-Za-z0-9_]*</c>.</summary>
    private static bool IsName(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty || char.IsAsciiDigit(text[0]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The text of a word that is a single unquoted literal, else null.</summary>
    private static string? PlainText(Word word) =>
        word.Parts is [LiteralPart { Quoted: false } literal] ? literal.Text : null;

    /// <summary>The reserved word <paramref name="token"/> spells, or null.</summary>
    private static string? ReservedWord(ShellToken token) =>
        token is { Kind: ShellTokenKind.Word, Word: { } word } && PlainText(word) is { } text && ReservedWords.Contains(text)
            ? text
            : null;

    /// <summary>Splits <c>NAME=value</c>; the value keeps the word's remaining parts.</summary>
    private static bool TrySplitAssignment(Word word, [NotNullWhen(true)] out Assignment? assignment)
    {
        assignment = null;
        if (word.Parts is not [LiteralPart { Quoted: false } first, ..])
        {
            return false;
        }

        var equals = first.Text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || !IsName(first.Text.AsSpan(0, equals)))
        {
            return false;
        }

        var value = new List<WordPart>(word.Parts.Count);
        if (equals + 1 < first.Text.Length)
        {
            value.Add(new LiteralPart(first.Text[(equals + 1)..], Quoted: false));
        }

        value.AddRange(word.Parts.Skip(1));
        assignment = new Assignment(first.Text[..equals], new Word(value));
        return true;
    }

    /// <summary>How busybox names a token in "unexpected ..." messages.</summary>
    private static string Describe(ShellToken token) => token.Kind switch
    {
        ShellTokenKind.EndOfFile => "end of file",
        ShellTokenKind.Newline => "newline",
        ShellTokenKind.Redirection => "redirection",
        ShellTokenKind.Word => ReservedWord(token) is { } reserved ? Quote(reserved) : "word",
        ShellTokenKind.Semicolon => Quote(";"),
        ShellTokenKind.DoubleSemicolon => Quote(";;"),
        ShellTokenKind.Ampersand => Quote("&"),
        ShellTokenKind.AndIf => Quote("&&"),
        ShellTokenKind.Pipe => Quote("|"),
        ShellTokenKind.OrIf => Quote("||"),
        ShellTokenKind.LeftParenthesis => Quote("("),
        ShellTokenKind.RightParenthesis => Quote(")"),
        _ => "token",
    };

    /// <summary><paramref name="text"/> in double quotes, as busybox shows tokens.</summary>
    private static string Quote(string text) => string.Concat("\"", text, "\"");

    /// <summary><c>syntax error: unexpected X</c>, with <c> (expecting "Y")</c> where busybox adds it.</summary>
    private static ShellSyntaxException Unexpected(ShellToken token, string? expecting = null) =>
        new(expecting is null
            ? $"syntax error: unexpected {Describe(token)}"
            : $"syntax error: unexpected {Describe(token)} (expecting {Quote(expecting)})");

    /// <summary>
    /// Recursive descent over one lexer with one token of lookahead. A <c>$( )</c> gets a grammar of its own on the
    /// same lexer: the outer one is between tokens then (its lookahead empty), and the inner one leaves it so.
    /// </summary>
    private sealed class Grammar
    {
        private readonly ShellLexer _lexer;
        private ShellToken? _peeked;

        /// <summary>A grammar reading tokens from <paramref name="lexer"/>.</summary>
        public Grammar(ShellLexer lexer)
        {
            _lexer = lexer;
        }

        /// <summary>A whole script: any list, then the end of the input.</summary>
        public CommandList ParseScript()
        {
            var list = ParseList(allowEmpty: true);
            var token = Peek();
            if (token.Kind != ShellTokenKind.EndOfFile)
            {
                throw Unexpected(token);
            }

            return list;
        }

        /// <summary>The inside of <c>$( )</c>: any list (even none), then <c>)</c>.</summary>
        public CommandList ParseSubstitution()
        {
            var list = ParseList(allowEmpty: true);
            Expect(ShellTokenKind.RightParenthesis, ")");
            return list;
        }

        /// <summary>The next token, without consuming it.</summary>
        private ShellToken Peek() => _peeked ??= _lexer.NextToken();

        /// <summary>Consumes and returns the next token.</summary>
        private ShellToken Next()
        {
            var token = Peek();
            _peeked = null;
            return token;
        }

        /// <summary>Consumes a <paramref name="kind"/> token, or fails naming <paramref name="text"/> as expected.</summary>
        private void Expect(ShellTokenKind kind, string text)
        {
            var token = Next();
            if (token.Kind != kind)
            {
                throw Unexpected(token, text);
            }
        }

        /// <summary>Consumes the reserved word <paramref name="word"/>, or fails naming it as expected.</summary>
        private void ExpectReservedWord(string word)
        {
            var token = Next();
            if (ReservedWord(token) != word)
            {
                throw Unexpected(token, word);
            }
        }

        /// <summary>Skips newlines where the grammar allows them (after operators and before clauses).</summary>
        private void SkipNewlines()
        {
            while (Peek().Kind == ShellTokenKind.Newline)
            {
                Next();
            }
        }

        /// <summary>True when the next token ends a list: end of input, <c>)</c>, <c>;;</c> or a closing reserved word.</summary>
        private bool AtListEnd()
        {
            var token = Peek();
            return token.Kind is ShellTokenKind.EndOfFile or ShellTokenKind.RightParenthesis
                    or ShellTokenKind.DoubleSemicolon
                || (ReservedWord(token) is { } reserved && ListTerminators.Contains(reserved));
        }

        /// <summary>
        /// And-or lists separated by <c>;</c>, <c>&amp;</c> or newlines. A compound command's list must hold at least
        /// one (busybox: <c>if true; then fi</c> is an error); it stops before any token that cannot continue it,
        /// which the caller checks.
        /// </summary>
        private CommandList ParseList(bool allowEmpty)
        {
            var items = new List<AndOrList>();
            SkipNewlines();
            while ((items.Count == 0 && !allowEmpty) || !AtListEnd())
            {
                var (first, rest) = ParseAndOr();
                var separator = Peek().Kind;
                items.Add(new AndOrList(first, rest, Background: separator == ShellTokenKind.Ampersand));
                if (separator is not (ShellTokenKind.Semicolon or ShellTokenKind.Ampersand or ShellTokenKind.Newline))
                {
                    break;
                }

                Next();
                SkipNewlines();
            }

            return items.Count == 0 ? CommandList.Empty : new CommandList(items);
        }

        /// <summary>Pipelines joined by <c>&amp;&amp;</c> and <c>||</c>; newlines may follow the operators.</summary>
        private (Pipeline First, List<AndOrStep> Steps) ParseAndOr()
        {
            var first = ParsePipeline();
            var rest = new List<AndOrStep>();
            while (Peek().Kind is ShellTokenKind.AndIf or ShellTokenKind.OrIf)
            {
                var op = Next().Kind == ShellTokenKind.AndIf ? AndOrOperator.And : AndOrOperator.Or;
                SkipNewlines();
                rest.Add(new AndOrStep(op, ParsePipeline()));
            }

            return (first, rest);
        }

        /// <summary>Commands joined by <c>|</c>, after any number of <c>!</c> (each one toggles the negation).</summary>
        private Pipeline ParsePipeline()
        {
            var negated = false;
            while (ReservedWord(Peek()) == "!")
            {
                Next();
                negated = !negated;
            }

            var commands = new List<ShellCommand> { ParseCommand() };
            while (Peek().Kind == ShellTokenKind.Pipe)
            {
                Next();
                SkipNewlines();
                commands.Add(ParseCommand());
            }

            return new Pipeline(commands, negated);
        }

        /// <summary>One command: compound (by its reserved word or <c>(</c>) or simple.</summary>
        private ShellCommand ParseCommand()
        {
            // Every grammar recursion passes here; an exception abandons the whole parse, so no finally is needed.
            _lexer.EnterNesting();
            var token = Peek();
            var command = token.Kind switch
            {
                ShellTokenKind.Word => ReservedWord(token) switch
                {
                    null => ParseSimpleCommand(),
                    "if" => ParseIf(),
                    "while" => ParseLoop(until: false),
                    "until" => ParseLoop(until: true),
                    "for" => ParseFor(),
                    "{" => ParseBraceGroup(),
                    "function" => ParseFunctionKeyword(),
                    "case" => throw new ShellSyntaxException("syntax error: \"case\" is not supported"),
                    _ => throw Unexpected(token),
                },
                ShellTokenKind.LeftParenthesis => ParseSubshell(),
                ShellTokenKind.Redirection => ParseSimpleCommand(),
                _ => throw Unexpected(token),
            };
            _lexer.ExitNesting();
            return command;
        }

        /// <summary>
        /// Assignments (before the first word), words and redirections in any order; <c>name()</c> turns it into a
        /// function definition when the name is its only element so far.
        /// </summary>
        private ShellCommand ParseSimpleCommand()
        {
            var assignments = new List<Assignment>();
            var words = new List<Word>();
            var redirects = new List<Redirect>();
            while (true)
            {
                var token = Peek();
                if (token.Kind == ShellTokenKind.Redirection)
                {
                    ParseRedirect(redirects);
                }
                else if (token.Kind == ShellTokenKind.Word)
                {
                    Next();
                    if (words.Count == 0 && TrySplitAssignment(token.Word!, out var assignment))
                    {
                        assignments.Add(assignment);
                    }
                    else
                    {
                        words.Add(token.Word!);
                    }
                }
                else if (token.Kind == ShellTokenKind.LeftParenthesis
                    && words.Count == 1 && assignments.Count == 0 && redirects.Count == 0)
                {
                    Next();
                    Expect(ShellTokenKind.RightParenthesis, ")");
                    return ParseFunctionBody(words[0]);
                }
                else
                {
                    return new SimpleCommand(assignments, words, redirects);
                }
            }
        }

        /// <summary><c>function name [()] command</c> (bash syntax busybox accepts).</summary>
        private FunctionDefinition ParseFunctionKeyword()
        {
            Next();
            var name = Next();
            if (name.Kind != ShellTokenKind.Word)
            {
                throw Unexpected(name);
            }

            if (Peek().Kind == ShellTokenKind.LeftParenthesis)
            {
                Next();
                Expect(ShellTokenKind.RightParenthesis, ")");
            }

            return ParseFunctionBody(name.Word!);
        }

        /// <summary>The command after <c>name()</c>: busybox takes any command, newlines before it allowed.</summary>
        private FunctionDefinition ParseFunctionBody(Word nameWord)
        {
            if (PlainText(nameWord) is not { } name || !IsName(name) || SpecialBuiltIns.Contains(name))
            {
                throw new ShellSyntaxException("syntax error: bad function name");
            }

            SkipNewlines();
            return new FunctionDefinition(name, ParseCommand());
        }

        /// <summary>A redirection operator and its target word, appended to <paramref name="redirects"/>.</summary>
        private void ParseRedirect(List<Redirect> redirects)
        {
            var op = Next();
            var target = Next();
            if (target.Kind != ShellTokenKind.Word)
            {
                throw Unexpected(target);
            }

            if (op.RedirectKind == RedirectKind.HereDocument)
            {
                // The body comes after the end of the line; the lexer fills this list when it gets there.
                var body = new List<WordPart>();
                _lexer.QueueHereDocument(target, op.StripTabs, body);
                redirects.Add(new Redirect(op.FileDescriptor, RedirectKind.HereDocument, new Word(body)));
            }
            else if (op.BothOutputs)
            {
                // &>file is >file 2>&1.
                redirects.Add(new Redirect(1, op.RedirectKind, target.Word!));
                redirects.Add(new Redirect(2, RedirectKind.DuplicateOutput, Word.Literal("1")));
            }
            else
            {
                redirects.Add(new Redirect(op.FileDescriptor, op.RedirectKind, target.Word!));
            }
        }

        /// <summary>Redirections after a compound command, which apply to all of it.</summary>
        private List<Redirect> ParseTrailingRedirects()
        {
            var redirects = new List<Redirect>();
            while (Peek().Kind == ShellTokenKind.Redirection)
            {
                ParseRedirect(redirects);
            }

            return redirects;
        }

        /// <summary><c>if list then list [elif list then list]... [else list] fi</c>.</summary>
        private IfCommand ParseIf()
        {
            Next();
            var branches = new List<ConditionalBranch>();
            CommandList? otherwise = null;
            var condition = ParseList(allowEmpty: false);
            ExpectReservedWord("then");
            branches.Add(new ConditionalBranch(condition, ParseList(allowEmpty: false)));
            while (true)
            {
                var token = Next();
                var reserved = ReservedWord(token);
                if (reserved == "elif")
                {
                    condition = ParseList(allowEmpty: false);
                    ExpectReservedWord("then");
                    branches.Add(new ConditionalBranch(condition, ParseList(allowEmpty: false)));
                }
                else if (reserved == "else")
                {
                    otherwise = ParseList(allowEmpty: false);
                    ExpectReservedWord("fi");
                    break;
                }
                else if (reserved == "fi")
                {
                    break;
                }
                else
                {
                    throw Unexpected(token, "fi");
                }
            }

            return new IfCommand(branches, otherwise, ParseTrailingRedirects());
        }

        /// <summary><c>while|until list do list done</c>.</summary>
        private LoopCommand ParseLoop(bool until)
        {
            Next();
            var condition = ParseList(allowEmpty: false);
            ExpectReservedWord("do");
            var body = ParseList(allowEmpty: false);
            ExpectReservedWord("done");
            return new LoopCommand(condition, body, until, ParseTrailingRedirects());
        }

        /// <summary><c>for name [in word...;] do list done</c>; newlines may precede <c>in</c> and <c>do</c>.</summary>
        private ForCommand ParseFor()
        {
            Next();
            var variable = Next();
            if (variable is not { Kind: ShellTokenKind.Word, Word: { } word } || PlainText(word) is not { } name
                || !IsName(name))
            {
                throw new ShellSyntaxException("syntax error: bad for loop variable");
            }

            SkipNewlines();
            List<Word>? items = null;
            if (ReservedWord(Peek()) == "in")
            {
                Next();
                items = [];
                while (Peek() is { Kind: ShellTokenKind.Word, Word: { } item })
                {
                    Next();
                    items.Add(item);
                }

                var end = Next();
                if (end.Kind is not (ShellTokenKind.Semicolon or ShellTokenKind.Newline))
                {
                    throw Unexpected(end);
                }
            }
            else if (Peek().Kind == ShellTokenKind.Semicolon)
            {
                Next();
            }

            SkipNewlines();
            ExpectReservedWord("do");
            var body = ParseList(allowEmpty: false);
            ExpectReservedWord("done");
            return new ForCommand(name, items, body, ParseTrailingRedirects());
        }

        /// <summary><c>{ list; }</c>.</summary>
        private GroupCommand ParseBraceGroup()
        {
            Next();
            var body = ParseList(allowEmpty: false);
            ExpectReservedWord("}");
            return new GroupCommand(body, Subshell: false, ParseTrailingRedirects());
        }

        /// <summary><c>( list )</c>.</summary>
        private GroupCommand ParseSubshell()
        {
            Next();
            var body = ParseList(allowEmpty: false);
            Expect(ShellTokenKind.RightParenthesis, ")");
            return new GroupCommand(body, Subshell: true, ParseTrailingRedirects());
        }
    }
}
