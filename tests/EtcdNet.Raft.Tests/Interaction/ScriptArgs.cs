namespace EtcdNet.Raft.Tests.Interaction;

/// <summary>A parsed command line: name, positional arguments and key=value (or key=(a,b)) arguments.</summary>
internal sealed class ScriptArgs
{
    public string Name { get; }
    public List<string> Positional { get; } = [];
    public Dictionary<string, string> Named { get; } = [];

    public ScriptArgs(string line)
    {
        var parts = Tokenize(line);
        Name = parts[0];
        foreach (var p in parts.Skip(1))
        {
            var eq = p.IndexOf('=');
            if (eq > 0) Named[p[..eq]] = p[(eq + 1)..];
            else Positional.Add(p);
        }
    }

    // Splits on spaces outside parentheses, so "voters=(1, 2)" stays one token.
    private static List<string> Tokenize(string line)
    {
        var result = new List<string>();
        var cur = new System.Text.StringBuilder();
        var depth = 0;
        foreach (var c in line)
        {
            if (c == '(') depth++;
            if (c == ')') depth--;
            if (c == ' ' && depth == 0)
            {
                if (cur.Length > 0) result.Add(cur.ToString());
                cur.Clear();
                continue;
            }
            cur.Append(c);
        }
        if (cur.Length > 0) result.Add(cur.ToString());
        return result;
    }

    public static List<ulong> ParseIds(string s) =>
        s.Trim('(', ')').Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Select(ulong.Parse).ToList();

    public List<ulong> Ids(string key) => Named.TryGetValue(key, out var v) ? ParseIds(v) : [];

    public List<ulong> PositionalIds() => Positional.Select(ulong.Parse).ToList();

    public ulong Id(int i) => ulong.Parse(Positional[i]);

    public bool Flag(string key) => Named.TryGetValue(key, out var v) && v == "true";

    public ulong Number(string key, ulong dflt) => Named.TryGetValue(key, out var v) ? ulong.Parse(v) : dflt;
}
