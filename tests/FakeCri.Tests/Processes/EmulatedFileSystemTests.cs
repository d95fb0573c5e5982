using FakeCri.Processes;
using FakeCri.Processes.Internal;

namespace FakeCri.Tests.Processes;

/// <summary>
/// The emulated file system over a shared layer (copy-on-write): each file system sees the layer's files as its
/// own, and what it writes, creates or deletes stays its own.
/// </summary>
public sealed class EmulatedFileSystemTests
{
    [Fact]
    public void WriteAllText_SharedFile_OtherFileSystemStillReadsTheOriginal()
    {
        var shared = Layer();
        var one = new EmulatedFileSystem(shared);
        var other = new EmulatedFileSystem(shared);

        one.WriteAllText("/etc/hosts", "changed\n", append: false);
        other.WriteAllText("/etc/hosts", "more\n", append: true);

        Assert.Equal("changed\n", one.ReadAllText("/etc/hosts"));
        Assert.Equal("127.0.0.1\tlocalhost\nmore\n", other.ReadAllText("/etc/hosts"));
        Assert.Equal("127.0.0.1\tlocalhost\n", new EmulatedFileSystem(shared).ReadAllText("/etc/hosts"));
        Assert.Equal("127.0.0.1\tlocalhost\n", shared.Nodes["/etc/hosts"]);
    }

    [Fact]
    public void WriteAllText_NewFile_InvisibleToOtherFileSystems()
    {
        var shared = Layer();
        var one = new EmulatedFileSystem(shared);
        var other = new EmulatedFileSystem(shared);

        one.WriteAllText("/tmp/note", "mine", append: false);

        Assert.True(one.FileExists("/tmp/note"));
        Assert.False(other.FileExists("/tmp/note"));
        Assert.Equal(["hosts", "passwd"], other.List("/etc"));
        Assert.Empty(other.List("/tmp"));
    }

    [Fact]
    public void Delete_SharedDirectoryRecursively_GoneHereOnly()
    {
        var shared = Layer();
        var one = new EmulatedFileSystem(shared);
        var other = new EmulatedFileSystem(shared);

        one.Delete("/etc", recursive: true);

        Assert.False(one.DirectoryExists("/etc"));
        Assert.False(one.FileExists("/etc/passwd"));
        Assert.Equal("No such file or directory", Assert.Throws<EmulatedIOException>(() => one.ReadAllText("/etc/hosts")).Message);
        Assert.DoesNotContain("etc", one.List("/"));
        Assert.Equal(["hosts", "passwd"], other.List("/etc"));
        Assert.True(other.FileExists("/etc/passwd"));
    }

    [Fact]
    public void CreateDirectory_WhereASharedOneWasDeleted_EmptyDirectory()
    {
        var one = new EmulatedFileSystem(Layer());
        one.Delete("/etc", recursive: true);

        one.CreateDirectory("/etc", parents: false);

        Assert.True(one.DirectoryExists("/etc"));
        Assert.Empty(one.List("/etc"));
        Assert.False(one.FileExists("/etc/hosts"));
    }

    [Fact]
    public void WriteAllText_DeletedSharedFileWrittenAgain_OnlyTheNewContent()
    {
        var one = new EmulatedFileSystem(Layer());
        one.Delete("/etc/passwd", recursive: false);

        one.WriteAllText("/etc/passwd", "new\n", append: true);

        Assert.Equal("new\n", one.ReadAllText("/etc/passwd"));
    }

    [Fact]
    public void List_SharedOwnAndMounted_MergedSortedOnce()
    {
        var host = Directory.CreateTempSubdirectory("fakecri-fs-").FullName;
        var one = new EmulatedFileSystem(Layer());
        one.WriteAllText("/etc/hosts", "own copy", append: false);
        one.WriteAllText("/etc/group", "root:x:0:\n", append: false);
        one.Mount("/etc/secrets/token", host, readOnly: true);

        Assert.Equal(["group", "hosts", "passwd", "secrets"], one.List("/etc"));
        Assert.Equal(["bin", "etc", "tmp"], one.List("/"));
        Assert.Equal(["token"], one.List("/etc/secrets"));
    }

    [Fact]
    public void SnapshotAndWrittenBytes_AfterChanges_WhatThisFileSystemSees()
    {
        var one = new EmulatedFileSystem(Layer());
        Assert.Equal(20 + 30, one.WrittenBytes);

        one.WriteAllText("/etc/hosts", "x", append: false);
        one.Delete("/etc/passwd", recursive: false);
        one.WriteAllText("/tmp/a", "abc", append: false);

        Assert.Equal(4, one.WrittenBytes);
        Assert.Equal(
            new (string, string?)[] { ("/", null), ("/bin", null), ("/etc", null), ("/etc/hosts", "x"), ("/tmp", null), ("/tmp/a", "abc") },
            one.Snapshot());
    }

    [Fact]
    public void Freeze_OfAFileSystemOverALayer_WhatItSaw()
    {
        var one = new EmulatedFileSystem(Layer());
        one.Delete("/bin", recursive: true);
        one.WriteAllText("/etc/hosts", "x", append: true);

        var frozen = new EmulatedFileSystem(one.Freeze());

        Assert.Equal(one.Snapshot(), frozen.Snapshot());
    }

    [Fact]
    public void Operations_OverAFrozenLayer_SameOutcomesAsOnTheFileSystemItWasFrozenFrom()
    {
        // The same random operations on a file system that built its files itself and on one that starts from
        // those files frozen into a layer: every result, error and listing must be the same.
        var random = new Random(11);
        var paths = new[] { "/a", "/a/b", "/a/b/c", "/a/f", "/etc", "/etc/hosts", "/etc/x/y", "/tmp", "/tmp/f", "/f" };
        for (var round = 0; round < 20; round++)
        {
            var plain = new EmulatedFileSystem();
            for (var i = 0; i < 15; i++)
            {
                Apply(plain, RandomOperation(random, paths));
            }

            var layer = plain.Freeze();
            var frozen = plain.Snapshot();
            var layered = new EmulatedFileSystem(layer);
            var untouched = new EmulatedFileSystem(layer);
            for (var i = 0; i < 60; i++)
            {
                var operation = RandomOperation(random, paths);
                Assert.Equal(Apply(plain, operation), Apply(layered, operation));
                Assert.Equal(plain.Snapshot(), layered.Snapshot());
                Assert.Equal(plain.WrittenBytes, layered.WrittenBytes);
                foreach (var path in paths.Prepend("/"))
                {
                    Assert.Equal(Apply(plain, ("list", path, string.Empty)), Apply(layered, ("list", path, string.Empty)));
                }
            }

            Assert.Equal(frozen, untouched.Snapshot()); // the layer itself never changes
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/etc/hosts")]
    [InlineData("/var/run/secrets/kubernetes.io/serviceaccount")]
    [InlineData("/a/.hidden/..x")]
    public void Normalize_AlreadyNormal_TheSameString(string path)
    {
        Assert.Same(path, EmulatedFileSystem.Normalize(path));
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("etc", "/etc")]
    [InlineData("//etc//hosts", "/etc/hosts")]
    [InlineData("/etc/", "/etc")]
    [InlineData("/etc/./hosts", "/etc/hosts")]
    [InlineData("/etc/../..", "/")]
    [InlineData("/a/b/../c/.", "/a/c")]
    [InlineData("/.", "/")]
    public void Normalize_NotNormal_Resolved(string path, string expected)
    {
        Assert.Equal(expected, EmulatedFileSystem.Normalize(path));
    }

    private static SharedFileLayer Layer()
    {
        var fs = new EmulatedFileSystem();
        fs.CreateDirectory("/bin", parents: false);
        fs.CreateDirectory("/etc", parents: false);
        fs.CreateDirectory("/tmp", parents: false);
        fs.WriteAllText("/etc/hosts", "127.0.0.1\tlocalhost\n", append: false);
        fs.WriteAllText("/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n", append: false);
        return fs.Freeze();
    }

    private static (string Kind, string Path, string Text) RandomOperation(Random random, string[] paths) =>
        (new[] { "write", "append", "mkdir", "mkdir -p", "rm", "rm -r", "read", "list", "exists" }[random.Next(9)],
            paths[random.Next(paths.Length)], random.Next(3).ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Runs one operation; its result or its error, as text.</summary>
    private static string Apply(EmulatedFileSystem fs, (string Kind, string Path, string Text) operation)
    {
        try
        {
            switch (operation.Kind)
            {
                case "write":
                    fs.WriteAllText(operation.Path, operation.Text, append: false);
                    return "ok";
                case "append":
                    fs.WriteAllText(operation.Path, operation.Text, append: true);
                    return "ok";
                case "mkdir":
                case "mkdir -p":
                    fs.CreateDirectory(operation.Path, parents: operation.Kind == "mkdir -p");
                    return "ok";
                case "rm":
                case "rm -r":
                    fs.Delete(operation.Path, recursive: operation.Kind == "rm -r");
                    return "ok";
                case "read":
                    return fs.ReadAllText(operation.Path);
                case "list":
                    return string.Join(',', fs.List(operation.Path));
                default:
                    return $"{fs.FileExists(operation.Path)} {fs.DirectoryExists(operation.Path)}";
            }
        }
        catch (EmulatedIOException error)
        {
            return "error: " + error.Message;
        }
    }
}
