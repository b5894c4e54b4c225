namespace EtcdNet.E2E.Tests;

/// <summary>Splits a command line the way a shell would for the simple quoting the tests use ('' and "").</summary>
public static class Shell
{
    public static string[] Split(string command)
    {
        var args = new List<string>();
        var current = new System.Text.StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in command)
        {
            if (quote != '\0')
            {
                if (c == quote) quote = '\0';
                else current.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord) args.Add(current.ToString());
                current.Clear();
                inWord = false;
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }
        if (inWord) args.Add(current.ToString());
        return args.ToArray();
    }
}
