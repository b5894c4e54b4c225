using System.Reflection;
using System.Text;

namespace EtcdNet.Raft.Tests.Interaction;

/// <summary>One command of a script with its expected output.</summary>
internal sealed record ScriptCommand(int Line, string Text, string Expected);

/// <summary>
/// Reads and rewrites datadriven scripts: comment (#) and blank lines between commands, each command
/// line followed by "----" and its expected output up to the next blank line.
/// </summary>
internal static class DataDriven
{
    public static string TestDataDir() =>
        typeof(DataDriven).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "TestDataDir").Value!;

    public static bool Rewrite => Environment.GetEnvironmentVariable("UPDATE_TESTDATA") == "1";

    /// <summary>Parses a script into literal lines (comments, blanks) and commands, in file order.</summary>
    public static List<object> Parse(string text)
    {
        var items = new List<object>();
        var lines = text.Replace("\r\n", "\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0 || line.StartsWith('#'))
            {
                items.Add(line);
                continue;
            }
            var start = i + 1;
            if (i + 1 >= lines.Length || lines[i + 1] != "----")
                throw new FormatException($"line {start}: command '{line}' must be followed by ----");
            i += 2;
            var sb = new StringBuilder();
            while (i < lines.Length && lines[i].Length > 0)
            {
                sb.Append(lines[i]).Append('\n');
                i++;
            }
            items.Add(new ScriptCommand(start, line, sb.ToString()));
            if (i < lines.Length) items.Add(""); // the blank line that ended the block
        }
        // Split('\n') yields one empty trailing item for a final newline; keep files stable on rewrite.
        while (items.Count > 0 && items[^1] is string s && s.Length == 0) items.RemoveAt(items.Count - 1);
        return items;
    }

    /// <summary>Runs every command through run; returns mismatches, and rewrites the file when asked to.</summary>
    public static List<string> Run(string path, Func<string, string> run)
    {
        var items = Parse(File.ReadAllText(path));
        var failures = new List<string>();
        var rewritten = new StringBuilder();
        foreach (var item in items)
        {
            if (item is string literal)
            {
                rewritten.Append(literal).Append('\n');
                continue;
            }
            var cmd = (ScriptCommand)item;
            string actual;
            try
            {
                actual = Normalize(run(cmd.Text));
            }
            catch (Exception e)
            {
                actual = $"error: {e.GetType().Name}: {e.Message}\n";
            }
            if (actual != cmd.Expected)
            {
                failures.Add($"{Path.GetFileName(path)}:{cmd.Line}: {cmd.Text}\n--- expected\n{cmd.Expected}--- actual\n{actual}");
            }
            rewritten.Append(cmd.Text).Append("\n----\n").Append(actual);
        }
        if (Rewrite) File.WriteAllText(path, rewritten.ToString());
        return failures;
    }

    /// <summary>Output lines never contain blank lines (a blank line ends a block), and an empty output reads "ok".</summary>
    private static string Normalize(string s)
    {
        var lines = s.Replace("\r\n", "\n").Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.TrimEnd());
        var joined = string.Join("\n", lines);
        return (joined.Length == 0 ? "ok" : joined) + "\n";
    }
}
