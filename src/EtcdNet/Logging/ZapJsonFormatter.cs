using System.Text;
using System.Text.Json;
using Serilog.Events;
using Serilog.Formatting;

namespace EtcdNet.Logging;

/// <summary>
/// Writes each event as one JSON line in the shape of etcd's zap logs: level, ts, caller, msg, then the fields.
/// Log templates are written "message text name={Name} ..."; msg is the text before the first field and each
/// property becomes a kebab-case field (LocalMemberId → local-member-id), so tools that parse etcd's logs can read ours.
/// </summary>
public sealed class ZapJsonFormatter : ITextFormatter
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public void Format(LogEvent logEvent, TextWriter output)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("level", Level(logEvent.Level));
            json.WriteString("ts", logEvent.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            if (logEvent.Properties.TryGetValue("SourceContext", out var source) && source is ScalarValue { Value: string caller })
            {
                json.WriteString("caller", caller);
            }
            json.WriteString("msg", Message(logEvent));
            foreach (var (name, value) in logEvent.Properties)
            {
                if (name is "SourceContext" or "EventId" or "{OriginalFormat}") continue;
                json.WritePropertyName(KebabCase(name));
                WriteValue(json, value);
            }
            if (logEvent.Exception is { } error)
            {
                json.WriteString("error", error.Message);
            }
            json.WriteEndObject();
        }
        output.Write(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        output.Write('\n');
    }

    private static string Level(LogEventLevel level) => level switch
    {
        LogEventLevel.Verbose or LogEventLevel.Debug => "debug",
        LogEventLevel.Information => "info",
        LogEventLevel.Warning => "warn",
        LogEventLevel.Error => "error",
        _ => "fatal",
    };

    /// <summary>The template's text up to its first field ("ready to serve client requests address={Address}").</summary>
    private static string Message(LogEvent logEvent)
    {
        var text = logEvent.MessageTemplate.Text;
        var brace = text.IndexOf('{', StringComparison.Ordinal);
        if (brace < 0) return text;
        var cut = text.LastIndexOf(' ', brace);
        return cut < 0 ? logEvent.RenderMessage() : text[..cut];
    }

    private static string KebabCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0) sb.Append('-');
                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }
        return sb.ToString();
    }

    private static void WriteValue(Utf8JsonWriter json, LogEventPropertyValue value)
    {
        switch (value)
        {
            case ScalarValue { Value: null }: json.WriteNullValue(); break;
            case ScalarValue { Value: bool b }: json.WriteBooleanValue(b); break;
            case ScalarValue { Value: int or long or uint or ulong or double or float or decimal } s:
                json.WriteRawValue(Convert.ToString(s.Value, System.Globalization.CultureInfo.InvariantCulture)!); break;
            case ScalarValue s: json.WriteStringValue(s.Value!.ToString()); break;
            case SequenceValue seq:
                json.WriteStartArray();
                foreach (var item in seq.Elements) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default: json.WriteStringValue(value.ToString()); break;
        }
    }
}
