using System.Text;

namespace EtcdNet.Server.Metrics;

/// <summary>Writes the Prometheus text exposition format 0.0.4: HELP and TYPE lines, then one line per sample.</summary>
public sealed class ExpositionWriter
{
    /// <summary>The Content-Type of a scrape answer in this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly StringBuilder _text = new(16 * 1024);

    public void WriteHeader(string name, string help, MetricType type)
    {
        _text.Append("# HELP ").Append(name).Append(' ');
        AppendEscaped(help, escapeQuotes: false);
        _text.Append('\n');
        _text.Append("# TYPE ").Append(name).Append(' ').Append(type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');
    }

    /// <summary>
    /// One sample line; <paramref name="labels"/> is the family's pre-rendered label text (name="value",...), and
    /// <paramref name="le"/> an extra bucket bound appended after them for histogram buckets.
    /// </summary>
    public void WriteSample(string name, string? suffix, string labels, double value, string? le = null)
    {
        _text.Append(name);
        if (suffix is not null) _text.Append(suffix);
        if (labels.Length > 0 || le is not null)
        {
            _text.Append('{').Append(labels);
            if (le is not null)
            {
                if (labels.Length > 0) _text.Append(',');
                _text.Append("le=\"").Append(le).Append('"');
            }
            _text.Append('}');
        }
        _text.Append(' ').Append(PromFloat.Format(value)).Append('\n');
    }

    /// <summary>Renders label pairs once, escaping values as the format requires (backslash, quote, newline).</summary>
    public static string RenderLabels(IReadOnlyList<string> names, IReadOnlyList<string> values)
    {
        if (names.Count != values.Count)
        {
            throw new ArgumentException($"expected {names.Count} label values, got {values.Count}");
        }
        var writer = new ExpositionWriter();
        // Prometheus' Go client writes label pairs sorted by name; do the same so the text matches etcd's.
        var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal);
        var first = true;
        foreach (var i in order)
        {
            if (!first) writer._text.Append(',');
            first = false;
            writer._text.Append(names[i]).Append("=\"");
            writer.AppendEscaped(values[i], escapeQuotes: true);
            writer._text.Append('"');
        }
        return writer._text.ToString();
    }

    public override string ToString() => _text.ToString();

    internal bool IsEmpty => _text.Length == 0;

    internal void Append(ExpositionWriter other) => _text.Append(other._text);

    private void AppendEscaped(string value, bool escapeQuotes)
    {
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\': _text.Append(@"\\"); break;
                case '\n': _text.Append(@"\n"); break;
                case '"' when escapeQuotes: _text.Append("\\\""); break;
                default: _text.Append(c); break;
            }
        }
    }
}
