using System.Globalization;
using System.Text;
using FakeCri.Processes.Shell;

namespace FakeCri.Tests.Processes;

/// <summary>
/// The emulated sh's parser: trees are compared through <see cref="Render(CommandList)"/>, a canonical one-line form
/// (records holding lists compare those lists by reference, so record equality cannot compare trees).
/// </summary>
/// <remarks>
/// Canonical form. Word: <c>[part part]</c>. Parts: unquoted literal <c>"text"</c>, quoted literal <c>q"text"</c>,
/// parameter <c>$NAME</c>, <c>${NAME:-[word]}</c>, <c>${#NAME}</c>, command substitution <c>$(list)</c>, arithmetic
/// <c>$((text))</c>; a quoted expansion is prefixed with <c>q</c>. Simple command: <c>cmd(NAME=[word] [word]
/// fd&gt;[word])</c>; compound commands <c>if(...)</c>, <c>while(...)</c>, <c>for(...)</c>, <c>group(...)</c>,
/// <c>subshell(...)</c>, <c>fn(name command)</c>, followed by their redirections. Lists: and-or lists joined by
/// <c>; </c>, a background one ending in <c> &amp;</c>, a negated pipeline starting with <c>!</c>; nested lists in
/// braces.
/// </remarks>
public sealed class ShellParserTests
{
    // The scripts CRI test suites (critest, e2e node tests) give busybox `sh -c`, verbatim.

    [Fact]
    public void Parse_EchoThenExit_TwoCommands()
    {
        AssertTree("echo hello; exit 3", """cmd(["echo"] ["hello"]); cmd(["exit"] ["3"])""");
    }

    [Fact]
    public void Parse_WhileTrueLoop_LoopCommand()
    {
        AssertTree(
            "while true; do echo hello World; sleep 1; done",
            """while({cmd(["true"])} do {cmd(["echo"] ["hello"] ["World"]); cmd(["sleep"] ["1"])})""");
    }

    [Fact]
    public void Parse_OrTrue_AndOrStep()
    {
        AssertTree("pgrep sleep || true", """cmd(["pgrep"] ["sleep"]) || cmd(["true"])""");
    }

    [Fact]
    public void Parse_EchoThenLongSleep_TwoCommands()
    {
        AssertTree("echo hello World; sleep 1000", """cmd(["echo"] ["hello"] ["World"]); cmd(["sleep"] ["1000"])""");
    }

    [Fact]
    public void Parse_TrapThenLoop_QuotedHandler()
    {
        AssertTree(
            "trap 'exit 0' TERM; while true; do sleep 1; done",
            """cmd(["trap"] [q"exit 0"] ["TERM"]); while({cmd(["true"])} do {cmd(["sleep"] ["1"])})""");
    }

    [Fact]
    public void Parse_ForLoop_ItemsAndBody()
    {
        AssertTree(
            "for i in 1 2 3; do echo $i; done",
            """for(i in ["1"] ["2"] ["3"] do {cmd(["echo"] [$i])})""");
    }

    [Fact]
    public void Parse_IfElseWithRedirect_Branches()
    {
        AssertTree(
            "if [ -f /etc/hosts ]; then cat /etc/hosts; else echo none >&2; fi",
            """if({cmd(["["] ["-f"] ["/etc/hosts"] ["]"])} then {cmd(["cat"] ["/etc/hosts"])} else {cmd(["echo"] ["none"] 1>&["2"])})""");
    }

    [Fact]
    public void Parse_ThreeQuotings_QuotedFlagsDiffer()
    {
        AssertTree("echo \"$HOME\" '$HOME' \\$HOME", """cmd(["echo"] [q$HOME] [q"$HOME"] [q"$" "HOME"])""");
    }

    [Fact]
    public void Parse_OutputAndDuplicate_TwoRedirects()
    {
        AssertTree("ls -A /mnt > /tmp/out 2>&1", """cmd(["ls"] ["-A"] ["/mnt"] 1>["/tmp/out"] 2>&["1"])""");
    }

    [Fact]
    public void Parse_HereDocument_BodyWithExpansions()
    {
        AssertTree(
            "cat <<EOF\nhello $USER\n  $(date)\nEOF\necho done",
            """cmd(["cat"] 0<<[q"hello " q$USER q"\n  " q$(cmd(["date"])) q"\n"]); cmd(["echo"] ["done"])""");
    }

    [Fact]
    public void Parse_CommandSubstitutionThenDefault_AssignmentAndOperator()
    {
        AssertTree(
            "x=$(hostname); echo ${x:-none}",
            """cmd(x=[$(cmd(["hostname"]))]); cmd(["echo"] [${x:-["none"]}])""");
    }

    [Fact]
    public void Parse_Arithmetic_RawExpression()
    {
        AssertTree("echo $((1+2))", """cmd(["echo"] [$((1+2))])""");
    }

    [Fact]
    public void Parse_TrailingAmpersand_Background()
    {
        AssertTree("sleep 4321 &", """cmd(["sleep"] ["4321"]) &""");
    }

    [Fact]
    public void Parse_NestedCommandSubstitution_InnerList()
    {
        AssertTree("echo $( echo $(echo hi) )", """cmd(["echo"] [$(cmd(["echo"] [$(cmd(["echo"] ["hi"]))]))])""");
    }

    [Fact]
    public void Parse_FunctionDefinitionAndCall_FunctionThenCommand()
    {
        AssertTree(
            "greet() { echo hi $1; }; greet you",
            """fn(greet group({cmd(["echo"] ["hi"] [$1])})); cmd(["greet"] ["you"])""");
    }

    // Lists and pipelines.

    [Theory]
    [InlineData("", "")]
    [InlineData("\n\n  \n", "")]
    [InlineData("# only a comment", "")]
    [InlineData("a\nb", """cmd(["a"]); cmd(["b"])""")]
    [InlineData("a;b", """cmd(["a"]); cmd(["b"])""")]
    [InlineData("a; b;", """cmd(["a"]); cmd(["b"])""")]
    [InlineData("a & b", """cmd(["a"]) &; cmd(["b"])""")]
    [InlineData("a&&b||c", """cmd(["a"]) && cmd(["b"]) || cmd(["c"])""")]
    [InlineData("a &&\n\n b", """cmd(["a"]) && cmd(["b"])""")]
    [InlineData("a | b | c", """cmd(["a"]) | cmd(["b"]) | cmd(["c"])""")]
    [InlineData("a |\n b", """cmd(["a"]) | cmd(["b"])""")]
    [InlineData("! a | b", """!cmd(["a"]) | cmd(["b"])""")]
    [InlineData("! ! a", """cmd(["a"])""")]
    [InlineData("!a", """cmd(["!a"])""")]
    [InlineData("a || b & c", """cmd(["a"]) || cmd(["b"]) &; cmd(["c"])""")]
    [InlineData("echo a # comment ; b", """cmd(["echo"] ["a"])""")]
    [InlineData("echo a#b #c", """cmd(["echo"] ["a#b"])""")]
    [InlineData("echo a \\\n b", """cmd(["echo"] ["a"] ["b"])""")]
    [InlineData("ec\\\nho a", """cmd(["echo"] ["a"])""")]
    [InlineData("a &\\\n& b", """cmd(["a"]) && cmd(["b"])""")]
    public void Parse_ListSyntax_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    // Simple commands: assignments and redirections.

    [Theory]
    [InlineData("A=1", """cmd(A=["1"])""")]
    [InlineData("A=1 B=two env", """cmd(A=["1"] B=["two"] ["env"])""")]
    [InlineData("A= env", """cmd(A=[] ["env"])""")]
    [InlineData("A=\"\" env", """cmd(A=[q""] ["env"])""")]
    [InlineData("A=a=b", """cmd(A=["a=b"])""")]
    [InlineData("A=x\"$Y\"", """cmd(A=["x" q$Y])""")]
    [InlineData("env A=1", """cmd(["env"] ["A=1"])""")]
    [InlineData("1A=x", """cmd(["1A=x"])""")]
    [InlineData("=x", """cmd(["=x"])""")]
    [InlineData("\"A\"=x", """cmd([q"A" "=x"])""")]
    [InlineData("A\\=x", """cmd(["A" q"=" "x"])""")]
    [InlineData(">f A=1 cmd", """cmd(A=["1"] ["cmd"] 1>["f"])""")]
    public void Parse_Assignments_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    [Theory]
    [InlineData("echo >f", """cmd(["echo"] 1>["f"])""")]
    [InlineData("echo >>f", """cmd(["echo"] 1>>["f"])""")]
    [InlineData("cat <f", """cmd(["cat"] 0<["f"])""")]
    [InlineData("echo >&2", """cmd(["echo"] 1>&["2"])""")]
    [InlineData("echo 2>/dev/null", """cmd(["echo"] 2>["/dev/null"])""")]
    [InlineData("echo 1>>f", """cmd(["echo"] 1>>["f"])""")]
    [InlineData("echo 2>&-", """cmd(["echo"] 2>&["-"])""")]
    [InlineData("cat 3<f", """cmd(["cat"] 3<["f"])""")]
    [InlineData("cat <&3", """cmd(["cat"] 0>&["3"])""")]
    [InlineData("echo >|f", """cmd(["echo"] 1>["f"])""")]
    [InlineData("echo &>f", """cmd(["echo"] 1>["f"] 2>&["1"])""")]
    [InlineData("echo &>>f", """cmd(["echo"] 1>>["f"] 2>&["1"])""")]
    [InlineData("echo a2>f", """cmd(["echo"] ["a2"] 1>["f"])""")]
    [InlineData("echo 12>f", """cmd(["echo"] ["12"] 1>["f"])""")]
    [InlineData("echo 2 >f", """cmd(["echo"] ["2"] 1>["f"])""")]
    [InlineData(">f echo a 2>&1 b", """cmd(["echo"] ["a"] ["b"] 1>["f"] 2>&["1"])""")]
    [InlineData("echo >\"$F\"", """cmd(["echo"] 1>[q$F])""")]
    [InlineData(">f", """cmd(1>["f"])""")]
    [InlineData("echo 2>&$FD", """cmd(["echo"] 2>&[$FD])""")]
    public void Parse_Redirections_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    // Here-documents.

    [Theory]
    [InlineData("cat <<'EOF'\n$X `y` \\$z\nEOF", """cmd(["cat"] 0<<[q"$X `y` \\$z\n"])""")]
    [InlineData("cat <<\"EOF\"\n$X\nEOF", """cmd(["cat"] 0<<[q"$X\n"])""")]
    [InlineData("cat <<\\EOF\n$X\nEOF", """cmd(["cat"] 0<<[q"$X\n"])""")]
    [InlineData("cat <<E\"O\"F\n$X\nEOF", """cmd(["cat"] 0<<[q"$X\n"])""")]
    [InlineData("cat <<EOF\n\\$X \\\\ \\a \"q\"\nEOF", """cmd(["cat"] 0<<[q"$X \\ \\a \"q\"\n"])""")]
    [InlineData("cat <<EOF\nline \\\ncontinued\nEOF", """cmd(["cat"] 0<<[q"line continued\n"])""")]
    [InlineData("cat <<EOF\n${A:-b} `echo c`\nEOF", """cmd(["cat"] 0<<[q${A:-[q"b"]} q" " q$(cmd(["echo"] ["c"])) q"\n"])""")]
    [InlineData("cat <<EOF\nEOF", """cmd(["cat"] 0<<[q""])""")]
    [InlineData("cat <<'EOF'\nEOF", """cmd(["cat"] 0<<[q""])""")]
    [InlineData("cat <<EOF", """cmd(["cat"] 0<<[q""])""")]
    [InlineData("cat <<EOF\nunterminated", """cmd(["cat"] 0<<[q"unterminated"])""")]
    [InlineData("cat <<EOF\n EOF\nEOF ", """cmd(["cat"] 0<<[q" EOF\nEOF "])""")]
    [InlineData("cat <<-EOF\n\t\tindented\n\tEOF\necho", """cmd(["cat"] 0<<[q"indented\n"]); cmd(["echo"])""")]
    [InlineData("cat <<EOF\n\tkept\nEOF", """cmd(["cat"] 0<<[q"\tkept\n"])""")]
    [InlineData("cat 3<<EOF >out\nx\nEOF", """cmd(["cat"] 3<<[q"x\n"] 1>["out"])""")]
    [InlineData("cat <<A; cat <<B\na\nA\nb\nB\necho", """cmd(["cat"] 0<<[q"a\n"]); cmd(["cat"] 0<<[q"b\n"]); cmd(["echo"])""")]
    [InlineData("cat <<A | wc -l\na\nA", """cmd(["cat"] 0<<[q"a\n"]) | cmd(["wc"] ["-l"])""")]
    [InlineData("x=$(cat <<EOF\nin\nEOF\n)", """cmd(x=[$(cmd(["cat"] 0<<[q"in\n"]))])""")]
    [InlineData("if true; then cat <<EOF\nbody\nEOF\nfi", """if({cmd(["true"])} then {cmd(["cat"] 0<<[q"body\n"])})""")]
    public void Parse_HereDocuments_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    // Quoting.

    [Theory]
    // Adjacent literals with the same quoting merge: "b" and 'c' are one quoted literal.
    [InlineData("echo a\"b\"'c'$X", """cmd(["echo"] ["a" q"bc" $X])""")]
    [InlineData("echo \"a\"'b'\\c", """cmd(["echo"] [q"abc"])""")]
    [InlineData("echo ''", """cmd(["echo"] [q""])""")]
    [InlineData("echo \"\"", """cmd(["echo"] [q""])""")]
    [InlineData("echo \"\"$X", """cmd(["echo"] [q"" $X])""")]
    [InlineData("echo a''", """cmd(["echo"] ["a" q""])""")]
    [InlineData("echo \"a\"\"\"", """cmd(["echo"] [q"a"])""")]
    [InlineData("echo 'a \" \\ $b'", """cmd(["echo"] [q"a \" \\ $b"])""")]
    [InlineData("echo 'multi\nline'", """cmd(["echo"] [q"multi\nline"])""")]
    [InlineData("echo \"\\$ \\` \\\" \\\\ \\a \\n\"", """cmd(["echo"] [q"$ ` \" \\ \\a \\n"])""")]
    [InlineData("echo \"a\\\nb\"", """cmd(["echo"] [q"ab"])""")]
    [InlineData("echo 'a\\\nb'", """cmd(["echo"] [q"a\\\nb"])""")]
    [InlineData("echo \\;\\ \\|", """cmd(["echo"] [q"; |"])""")]
    [InlineData("echo \\", """cmd(["echo"] ["\\"])""")]
    [InlineData("echo \"a b\"c' d'", """cmd(["echo"] [q"a b" "c" q" d"])""")]
    [InlineData("echo \"$(echo \"in\")\"", """cmd(["echo"] [q$(cmd(["echo"] [q"in"]))])""")]
    [InlineData("echo \"${X:-a b}\"", """cmd(["echo"] [q${X:-[q"a b"]}])""")]
    [InlineData("echo ${X:-a b}", """cmd(["echo"] [${X:-["a b"]}])""")]
    [InlineData("echo ${X:-\"a b\"}", """cmd(["echo"] [${X:-[q"a b"]}])""")]
    [InlineData("echo \"${X:-\"a b\"}\"", """cmd(["echo"] [q${X:-[q"a b"]}])""")]
    [InlineData("echo \"${X:-'a'}\"", """cmd(["echo"] [q${X:-[q"'a'"]}])""")]
    [InlineData("echo \"${X:-\\}}\"", """cmd(["echo"] [q${X:-[q"}"]}])""")]
    [InlineData("echo ${X:-'}'}", """cmd(["echo"] [${X:-[q"}"]}])""")]
    [InlineData("echo ~/x", """cmd(["echo"] ["~/x"])""")]
    [InlineData("echo *.txt", """cmd(["echo"] ["*.txt"])""")]
    [InlineData("echo {a,b} }", """cmd(["echo"] ["{a,b}"] ["}"])""")]
    public void Parse_Quoting_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    // Expansions.

    [Theory]
    [InlineData("echo $A_1b", """cmd(["echo"] [$A_1b])""")]
    [InlineData("echo ${A}b", """cmd(["echo"] [$A "b"])""")]
    [InlineData("echo $A-b", """cmd(["echo"] [$A "-b"])""")]
    [InlineData("echo $? $$ $! $# $@ $* $- $0 $9", """cmd(["echo"] [$?] [$$] [$!] [$#] [$@] [$*] [$-] [$0] [$9])""")]
    [InlineData("echo $10", """cmd(["echo"] [$1 "0"])""")]
    [InlineData("echo ${10}", """cmd(["echo"] [$10])""")]
    [InlineData("echo \"$@\"", """cmd(["echo"] [q$@])""")]
    [InlineData("echo ${X-d} ${X:=d} ${X=d} ${X:+d} ${X+d}", """cmd(["echo"] [${X-["d"]}] [${X:=["d"]}] [${X=["d"]}] [${X:+["d"]}] [${X+["d"]}])""")]
    [InlineData("echo ${X:?msg} ${X?}", """cmd(["echo"] [${X:?["msg"]}] [${X?[]}])""")]
    [InlineData("echo ${X#a} ${X##*/} ${X%.*} ${X%%b}", """cmd(["echo"] [${X#["a"]}] [${X##["*/"]}] [${X%[".*"]}] [${X%%["b"]}])""")]
    [InlineData("echo ${X:-}", """cmd(["echo"] [${X:-[]}])""")]
    [InlineData("echo ${X:-${Y:-$Z}}", """cmd(["echo"] [${X:-[${Y:-[$Z]}]}])""")]
    [InlineData("echo ${X:-$(echo a)}", """cmd(["echo"] [${X:-[$(cmd(["echo"] ["a"]))]}])""")]
    [InlineData("echo ${#X} ${#} ${##} ${#@} ${#:-0}", """cmd(["echo"] [${#X}] [$#] [${##}] [${#@}] [${#:-["0"]}])""")]
    [InlineData("echo $ a$ $/ \"$\" $\"x\"", """cmd(["echo"] ["$"] ["a$"] ["$/"] [q"$"] ["$" q"x"])""")]
    [InlineData("echo $(( (1 + 2) * $X ))", """cmd(["echo"] [$(( (1 + 2) * $X ))])""")]
    [InlineData("echo \"$((X*2))\"", """cmd(["echo"] [q$((X*2))])""")]
    [InlineData("echo $((echo a) | (echo b))", """cmd(["echo"] [$(subshell({cmd(["echo"] ["a"])}) | subshell({cmd(["echo"] ["b"])}))])""")]
    [InlineData("echo $()", """cmd(["echo"] [$()])""")]
    [InlineData("echo $( \n )", """cmd(["echo"] [$()])""")]
    [InlineData("echo $(echo ')' \")\" \\))", """cmd(["echo"] [$(cmd(["echo"] [q")"] [q")"] [q")"]))])""")]
    [InlineData("echo $(echo a; echo b\necho c)", """cmd(["echo"] [$(cmd(["echo"] ["a"]); cmd(["echo"] ["b"]); cmd(["echo"] ["c"]))])""")]
    [InlineData("echo $(if true; then echo y; fi)", """cmd(["echo"] [$(if({cmd(["true"])} then {cmd(["echo"] ["y"])}))])""")]
    [InlineData("echo $(# comment )\n)", """cmd(["echo"] [$()])""")]
    [InlineData("echo `hostname`", """cmd(["echo"] [$(cmd(["hostname"]))])""")]
    [InlineData("echo \"`hostname`\"", """cmd(["echo"] [q$(cmd(["hostname"]))])""")]
    [InlineData("echo `echo \\`echo hi\\``", """cmd(["echo"] [$(cmd(["echo"] [$(cmd(["echo"] ["hi"]))]))])""")]
    [InlineData("echo `echo \\$X '\\a'`", """cmd(["echo"] [$(cmd(["echo"] [$X] [q"\\a"]))])""")]
    [InlineData("echo \"`echo \\\"q\\\"`\"", """cmd(["echo"] [q$(cmd(["echo"] [q"q"]))])""")]
    [InlineData("echo ``", """cmd(["echo"] [$()])""")]
    [InlineData("echo a$(b)c", """cmd(["echo"] ["a" $(cmd(["b"])) "c"])""")]
    public void Parse_Expansions_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    // Compound commands.

    [Theory]
    [InlineData("if a; then b; fi", """if({cmd(["a"])} then {cmd(["b"])})""")]
    [InlineData("if a\nthen\n  b\nfi", """if({cmd(["a"])} then {cmd(["b"])})""")]
    [InlineData("if a; then b; elif c; then d; elif e; then f; else g; fi", """if({cmd(["a"])} then {cmd(["b"])} elif {cmd(["c"])} then {cmd(["d"])} elif {cmd(["e"])} then {cmd(["f"])} else {cmd(["g"])})""")]
    [InlineData("if ! a && b; then c & fi", """if({!cmd(["a"]) && cmd(["b"])} then {cmd(["c"]) &})""")]
    [InlineData("if a; then (b) fi", """if({cmd(["a"])} then {subshell({cmd(["b"])})})""")]
    [InlineData("if a; then b; fi >out 2>&1", """if({cmd(["a"])} then {cmd(["b"])}) 1>["out"] 2>&["1"]""")]
    [InlineData("until a; do b; done", """until({cmd(["a"])} do {cmd(["b"])})""")]
    [InlineData("while read l; do echo $l; done <in", """while({cmd(["read"] ["l"])} do {cmd(["echo"] [$l])}) 0<["in"]""")]
    [InlineData("while :\ndo\n:\ndone", """while({cmd([":"])} do {cmd([":"])})""")]
    [InlineData("for x; do echo $x; done", """for(x do {cmd(["echo"] [$x])})""")]
    [InlineData("for x\ndo echo; done", """for(x do {cmd(["echo"])})""")]
    [InlineData("for x do echo; done", """for(x do {cmd(["echo"])})""")]
    [InlineData("for x in; do echo; done", """for(x in do {cmd(["echo"])})""")]
    [InlineData("for x\nin a \"b c\" $D\ndo\necho\ndone", """for(x in ["a"] [q"b c"] [$D] do {cmd(["echo"])})""")]
    [InlineData("for x in do done if; do :; done", """for(x in ["do"] ["done"] ["if"] do {cmd([":"])})""")]
    [InlineData("for fi in a; do :; done", """for(fi in ["a"] do {cmd([":"])})""")]
    [InlineData("{ a; b; }", """group({cmd(["a"]); cmd(["b"])})""")]
    [InlineData("{ a\n}", """group({cmd(["a"])})""")]
    [InlineData("{ a & }", """group({cmd(["a"]) &})""")]
    [InlineData("{ a; } 2>/dev/null | b", """group({cmd(["a"])}) 2>["/dev/null"] | cmd(["b"])""")]
    [InlineData("(a; b)", """subshell({cmd(["a"]); cmd(["b"])})""")]
    [InlineData("( (a) )", """subshell({subshell({cmd(["a"])})})""")]
    [InlineData("(a) >f &", """subshell({cmd(["a"])}) 1>["f"] &""")]
    [InlineData("{(a)}", """group({subshell({cmd(["a"])})})""")]
    [InlineData("echo if then fi { } do", """cmd(["echo"] ["if"] ["then"] ["fi"] ["{"] ["}"] ["do"])""")]
    [InlineData("\"if\" a", """cmd([q"if"] ["a"])""")]
    [InlineData("A=1 if", """cmd(A=["1"] ["if"])""")]
    [InlineData("while a; do if b; then break; fi; done", """while({cmd(["a"])} do {if({cmd(["b"])} then {cmd(["break"])})})""")]
    public void Parse_CompoundCommands_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    [Theory]
    [InlineData("f() { a; }", """fn(f group({cmd(["a"])}))""")]
    [InlineData("f () { a; }", """fn(f group({cmd(["a"])}))""")]
    [InlineData("f ( ) { a; }", """fn(f group({cmd(["a"])}))""")]
    [InlineData("f()\n\n{\n a\n}", """fn(f group({cmd(["a"])}))""")]
    [InlineData("f() (a)", """fn(f subshell({cmd(["a"])}))""")]
    [InlineData("f() { a; } >log", """fn(f group({cmd(["a"])}) 1>["log"])""")]
    [InlineData("f() echo hi", """fn(f cmd(["echo"] ["hi"]))""")]
    [InlineData("f() if a; then b; fi", """fn(f if({cmd(["a"])} then {cmd(["b"])}))""")]
    [InlineData("function f { a; }", """fn(f group({cmd(["a"])}))""")]
    [InlineData("function f() { a; }", """fn(f group({cmd(["a"])}))""")]
    [InlineData("f() { g() { a; }; g; }; f", """fn(f group({fn(g group({cmd(["a"])})); cmd(["g"])})); cmd(["f"])""")]
    public void Parse_FunctionDefinitions_Tree(string script, string expected)
    {
        AssertTree(script, expected);
    }

    [Fact]
    public void Parse_MultiLineScript_Tree()
    {
        var script = """
            #!/bin/sh
            set -e
            log() {
              echo "$(date) $*" >> /var/log/app.log
            }

            for f in /etc/*.conf; do
              if [ -s "$f" ] && ! grep -q '^#' "$f"; then
                log "found $f"
              fi
            done
            exec sleep infinity
            """;

        AssertTree(
            script,
            """cmd(["set"] ["-e"]); """
            + """fn(log group({cmd(["echo"] [q$(cmd(["date"])) q" " q$*] 1>>["/var/log/app.log"])})); """
            + """for(f in ["/etc/*.conf"] do {if({cmd(["["] ["-s"] [q$f] ["]"]) && !cmd(["grep"] ["-q"] [q"^#"] [q$f])} """
            + """then {cmd(["log"] [q"found " q$f])})}); """
            + """cmd(["exec"] ["sleep"] ["infinity"])""");
    }

    [Fact]
    public void Parse_HereDocument_TargetWordHoldsBody()
    {
        var list = ShellParser.Parse("cat <<EOF\nhi\nEOF\n");

        var command = Assert.IsType<SimpleCommand>(Assert.Single(Assert.Single(list.Items).First.Commands));
        var redirect = Assert.Single(command.Redirects);
        Assert.Equal(0, redirect.FileDescriptor);
        Assert.Equal(RedirectKind.HereDocument, redirect.Kind);
        Assert.Equal(new LiteralPart("hi\n", Quoted: true), Assert.Single(redirect.Target.Parts));
    }

    // Errors, with busybox ash's messages.

    [Theory]
    [InlineData("if true; then fi", "syntax error: unexpected \"fi\"")]
    [InlineData("fi", "syntax error: unexpected \"fi\"")]
    [InlineData("echo; fi", "syntax error: unexpected \"fi\"")]
    [InlineData("(echo) fi", "syntax error: unexpected \"fi\"")]
    [InlineData("then", "syntax error: unexpected \"then\"")]
    [InlineData("done", "syntax error: unexpected \"done\"")]
    [InlineData("in", "syntax error: unexpected \"in\"")]
    [InlineData("{ }", "syntax error: unexpected \"}\"")]
    [InlineData("{ echo; } }", "syntax error: unexpected \"}\"")]
    [InlineData("echo | ! a", "syntax error: unexpected \"!\"")]
    [InlineData("if true; then echo", "syntax error: unexpected end of file (expecting \"fi\")")]
    [InlineData("if true", "syntax error: unexpected end of file (expecting \"then\")")]
    [InlineData("if true then echo; fi", "syntax error: unexpected \"fi\" (expecting \"then\")")]
    [InlineData("if a; then b; done", "syntax error: unexpected \"done\" (expecting \"fi\")")]
    [InlineData("if a; then b; else c; elif", "syntax error: unexpected \"elif\" (expecting \"fi\")")]
    [InlineData("if a; then (b) c; fi", "syntax error: unexpected word (expecting \"fi\")")]
    [InlineData("while true; do echo", "syntax error: unexpected end of file (expecting \"done\")")]
    [InlineData("while true; echo; done", "syntax error: unexpected \"done\" (expecting \"do\")")]
    [InlineData("for i in a b; echo; done", "syntax error: unexpected word (expecting \"do\")")]
    [InlineData("for i in a >b; do :; done", "syntax error: unexpected redirection")]
    [InlineData("for i in a b)", "syntax error: unexpected \")\"")]
    [InlineData("{ echo }", "syntax error: unexpected end of file (expecting \"}\")")]
    [InlineData("(echo", "syntax error: unexpected end of file (expecting \")\")")]
    [InlineData("( )", "syntax error: unexpected \")\"")]
    [InlineData("echo )", "syntax error: unexpected \")\"")]
    [InlineData("(echo) foo", "syntax error: unexpected word")]
    [InlineData(";", "syntax error: unexpected \";\"")]
    [InlineData("echo;;", "syntax error: unexpected \";;\"")]
    [InlineData("echo &;", "syntax error: unexpected \";\"")]
    [InlineData("&& echo", "syntax error: unexpected \"&&\"")]
    [InlineData("echo ||", "syntax error: unexpected end of file")]
    [InlineData("echo |", "syntax error: unexpected end of file")]
    [InlineData("echo | | b", "syntax error: unexpected \"|\"")]
    [InlineData("echo &\n&", "syntax error: unexpected \"&\"")]
    [InlineData("! \necho", "syntax error: unexpected newline")]
    [InlineData("echo >", "syntax error: unexpected end of file")]
    [InlineData("echo >\n", "syntax error: unexpected newline")]
    [InlineData("echo > | b", "syntax error: unexpected \"|\"")]
    [InlineData("cat << >f", "syntax error: unexpected redirection")]
    [InlineData("echo a (b)", "syntax error: unexpected \"(\"")]
    [InlineData("A=1 f() { :; }", "syntax error: unexpected \"(\"")]
    [InlineData("f(x) { :; }", "syntax error: unexpected word (expecting \")\")")]
    [InlineData("f()", "syntax error: unexpected end of file")]
    [InlineData("exit() { :; }", "syntax error: bad function name")]
    [InlineData("\"f\"() { :; }", "syntax error: bad function name")]
    [InlineData("a-b() { :; }", "syntax error: bad function name")]
    [InlineData("for 1 in a; do :; done", "syntax error: bad for loop variable")]
    [InlineData("for \"i\" in a; do :; done", "syntax error: bad for loop variable")]
    [InlineData("for", "syntax error: bad for loop variable")]
    [InlineData("echo 'abc", "syntax error: unterminated quoted string")]
    [InlineData("echo \"abc", "syntax error: unterminated quoted string")]
    [InlineData("echo \"abc\\\"", "syntax error: unterminated quoted string")]
    [InlineData("echo \"$(echo \"x)\"", "syntax error: unexpected end of file (expecting \")\")")]
    [InlineData("echo \"$(echo x)", "syntax error: unterminated quoted string")]
    [InlineData("echo $(echo", "syntax error: unexpected end of file (expecting \")\")")]
    [InlineData("echo $(echo; fi)", "syntax error: unexpected \"fi\" (expecting \")\")")]
    [InlineData("echo `echo", "syntax error: EOF in backquote substitution")]
    [InlineData("echo `)`", "syntax error: unexpected \")\"")]
    [InlineData("echo ${X", "syntax error: missing '}'")]
    [InlineData("echo ${X:-abc", "syntax error: missing '}'")]
    [InlineData("echo ${", "syntax error: missing '}'")]
    [InlineData("echo ${}", "syntax error: bad substitution")]
    [InlineData("echo ${X Y}", "syntax error: bad substitution")]
    [InlineData("echo ${X:1}", "syntax error: bad substitution")]
    [InlineData("echo $((1+2)", "syntax error: missing '))'")]
    [InlineData("cat <>f", "syntax error: unsupported redirection \"<>\"")]
    [InlineData("case x in a) ;; esac", "syntax error: \"case\" is not supported")]
    public void Parse_InvalidScript_ThrowsBusyboxMessage(string script, string message)
    {
        var exception = Assert.Throws<ShellSyntaxException>(() => ShellParser.Parse(script));

        Assert.Equal(message, exception.Message);
    }

    [Theory]
    [InlineData("(", 10_000)]
    [InlineData("{ ", 10_000)]
    [InlineData("if ", 10_000)]
    [InlineData("$(", 10_000)]
    [InlineData("\"$(", 10_000)]
    [InlineData("${X:-", 10_000)]
    [InlineData("\"${X:-\"", 10_000)]
    [InlineData("f() ", 10_000)]
    [InlineData("while ", 10_000)]
    public void Parse_PathologicalNesting_ThrowsNestingTooDeep(string prefix, int repeat)
    {
        var script = string.Concat(Enumerable.Repeat(prefix, repeat));

        var exception = Assert.Throws<ShellSyntaxException>(() => ShellParser.Parse(script));

        Assert.Equal("syntax error: nesting too deep", exception.Message);
    }

    [Fact]
    public void Parse_DeepButReasonableNesting_Succeeds()
    {
        var script = string.Concat(Enumerable.Repeat("(", 50)) + "echo" + string.Concat(Enumerable.Repeat(")", 50));

        var rendered = Render(ShellParser.Parse(script));

        Assert.EndsWith("""cmd(["echo"])""" + string.Concat(Enumerable.Repeat("})", 50)), rendered);
    }

    [Fact]
    public void Parse_LongFlatScripts_Succeed()
    {
        var pipeline = string.Join(" | ", Enumerable.Repeat("cat", 20_000));
        var negations = string.Concat(Enumerable.Repeat("! ", 20_001)) + "true";
        var lines = string.Join('\n', Enumerable.Repeat("echo \"$X\" 'y' >>f; a && b || c", 5_000));

        Assert.Equal(20_000, Assert.Single(ShellParser.Parse(pipeline).Items).First.Commands.Count);
        Assert.True(Assert.Single(ShellParser.Parse(negations).Items).First.Negated);
        Assert.Equal(10_000, ShellParser.Parse(lines).Items.Count);
    }

    [Fact]
    public void Parse_RandomMetacharacterSoup_OnlyEverThrowsSyntaxErrors()
    {
        string[] pieces =
        [
            " ", " ", "\t", "\n", "\\\n", "'", "\"", "\\", "$", "`", "(", ")", "{", "}", ";", ";;", "&", "&&", "|",
            "||", "<", ">", ">>", "<<", "<<-", ">&", "<&", "&>", "2>", "#", "!", "=", "-", ":", "+", "?", "%", "*",
            "@", "0", "1", "a", "x", "EOF", "$(", "$((", "))", "${", "${#", ":-", "if ", "then ", "else ", "elif ",
            "fi", "while ", "until ", "do ", "done", "for ", " in ", "case ", "function ", "f()", "{ ", " }",
        ];
        var random = new Random(20240611);
        for (var i = 0; i < 5_000; i++)
        {
            var script = new StringBuilder();
            var length = random.Next(0, 40);
            for (var j = 0; j < length; j++)
            {
                script.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = script.ToString();
            try
            {
                ShellParser.Parse(text);
            }
            catch (ShellSyntaxException)
            {
            }
            catch (Exception exception)
            {
                Assert.Fail($"Parse({Escape(text)}) threw {exception}");
            }
        }
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => ShellParser.Parse(null!));
    }

    private static void AssertTree(string script, string expected)
    {
        Assert.Equal(expected, Render(ShellParser.Parse(script)));
    }

    private static string Render(CommandList list)
    {
        var text = new StringBuilder();
        Render(text, list);
        return text.ToString();
    }

    private static void Render(StringBuilder text, CommandList list)
    {
        for (var i = 0; i < list.Items.Count; i++)
        {
            if (i > 0)
            {
                text.Append("; ");
            }

            var item = list.Items[i];
            Render(text, item.First);
            foreach (var step in item.Rest)
            {
                text.Append(step.Operator == AndOrOperator.And ? " && " : " || ");
                Render(text, step.Pipeline);
            }

            if (item.Background)
            {
                text.Append(" &");
            }
        }
    }

    private static void Render(StringBuilder text, Pipeline pipeline)
    {
        if (pipeline.Negated)
        {
            text.Append('!');
        }

        for (var i = 0; i < pipeline.Commands.Count; i++)
        {
            if (i > 0)
            {
                text.Append(" | ");
            }

            Render(text, pipeline.Commands[i]);
        }
    }

    private static void RenderNested(StringBuilder text, CommandList list)
    {
        text.Append('{');
        Render(text, list);
        text.Append('}');
    }

    private static void Render(StringBuilder text, ShellCommand command)
    {
        switch (command)
        {
            case SimpleCommand simple:
                text.Append("cmd(");
                var separator = "";
                foreach (var assignment in simple.Assignments)
                {
                    text.Append(separator).Append(assignment.Name).Append('=');
                    Render(text, assignment.Value);
                    separator = " ";
                }

                foreach (var word in simple.Words)
                {
                    text.Append(separator);
                    Render(text, word);
                    separator = " ";
                }

                foreach (var redirect in simple.Redirects)
                {
                    text.Append(separator);
                    Render(text, redirect);
                    separator = " ";
                }

                text.Append(')');
                return;
            case IfCommand conditional:
                text.Append("if(");
                for (var i = 0; i < conditional.Branches.Count; i++)
                {
                    text.Append(i == 0 ? "" : " elif ");
                    RenderNested(text, conditional.Branches[i].Condition);
                    text.Append(" then ");
                    RenderNested(text, conditional.Branches[i].Body);
                }

                if (conditional.Else is { } otherwise)
                {
                    text.Append(" else ");
                    RenderNested(text, otherwise);
                }

                text.Append(')');
                break;
            case LoopCommand loop:
                text.Append(loop.Until ? "until(" : "while(");
                RenderNested(text, loop.Condition);
                text.Append(" do ");
                RenderNested(text, loop.Body);
                text.Append(')');
                break;
            case ForCommand loop:
                text.Append("for(").Append(loop.Variable);
                if (loop.Items is { } items)
                {
                    text.Append(" in");
                    foreach (var item in items)
                    {
                        text.Append(' ');
                        Render(text, item);
                    }
                }

                text.Append(" do ");
                RenderNested(text, loop.Body);
                text.Append(')');
                break;
            case GroupCommand group:
                text.Append(group.Subshell ? "subshell(" : "group(");
                RenderNested(text, group.Body);
                text.Append(')');
                break;
            case FunctionDefinition function:
                text.Append("fn(").Append(function.Name).Append(' ');
                Render(text, function.Body);
                text.Append(')');
                Assert.Empty(function.Redirects);
                return;
            default:
                throw new InvalidOperationException($"Unknown command {command.GetType().Name}");
        }

        foreach (var redirect in command.Redirects)
        {
            text.Append(' ');
            Render(text, redirect);
        }
    }

    private static void Render(StringBuilder text, Redirect redirect)
    {
        text.Append(redirect.FileDescriptor.ToString(CultureInfo.InvariantCulture)).Append(redirect.Kind switch
        {
            RedirectKind.Output => ">",
            RedirectKind.Append => ">>",
            RedirectKind.Input => "<",
            RedirectKind.DuplicateOutput => ">&",
            RedirectKind.HereDocument => "<<",
            _ => throw new InvalidOperationException($"Unknown redirect {redirect.Kind}"),
        });
        Render(text, redirect.Target);
    }

    private static void Render(StringBuilder text, Word word)
    {
        text.Append('[');
        for (var i = 0; i < word.Parts.Count; i++)
        {
            if (i > 0)
            {
                text.Append(' ');
            }

            var part = word.Parts[i];
            if (part.Quoted)
            {
                text.Append('q');
            }

            switch (part)
            {
                case LiteralPart literal:
                    text.Append(Escape(literal.Text));
                    break;
                case ParameterPart { Length: true } parameter:
                    text.Append("${#").Append(parameter.Name).Append('}');
                    Assert.Null(parameter.Operator);
                    break;
                case ParameterPart { Operator: null } parameter:
                    text.Append('$').Append(parameter.Name);
                    Assert.Null(parameter.Argument);
                    break;
                case ParameterPart parameter:
                    text.Append("${").Append(parameter.Name).Append(parameter.Operator);
                    Render(text, parameter.Argument ?? throw new InvalidOperationException("Operator without argument"));
                    text.Append('}');
                    break;
                case CommandSubstitutionPart substitution:
                    text.Append("$(");
                    Render(text, substitution.Command);
                    text.Append(')');
                    break;
                case ArithmeticPart arithmetic:
                    text.Append("$((").Append(arithmetic.Expression).Append("))");
                    break;
                default:
                    throw new InvalidOperationException($"Unknown part {part.GetType().Name}");
            }
        }

        text.Append(']');
    }

    /// <summary>Literal text in double quotes with C-style escapes, so blanks and control characters show.</summary>
    private static string Escape(string text)
    {
        var escaped = new StringBuilder("\"");
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                '\n' => "\\n",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return escaped.Append('"').ToString();
    }
}
