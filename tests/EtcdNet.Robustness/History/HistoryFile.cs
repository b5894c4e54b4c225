using System.Text.Json;
using System.Text.Json.Serialization;

namespace EtcdNet.Robustness.History;

/// <summary>Saves and loads a <see cref="RecordedHistory"/> as JSON, so a failing run can be checked again later.</summary>
public static class HistoryFile
{
    /// <summary>The serializer options the files are written with (camelCase, indented, nulls left out).</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The history as JSON text.</summary>
    public static string Serialize(RecordedHistory history) => JsonSerializer.Serialize(history, Options);

    /// <summary>A history read back from JSON text.</summary>
    public static RecordedHistory Deserialize(string json) =>
        JsonSerializer.Deserialize<RecordedHistory>(json, Options) ?? throw new InvalidDataException("history file holds null");

    /// <summary>Writes the history to <paramref name="path"/> (creating its directory).</summary>
    public static void Save(RecordedHistory history, string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }
        File.WriteAllText(path, Serialize(history));
    }

    /// <summary>Reads a history saved by <see cref="Save"/>.</summary>
    public static RecordedHistory Load(string path) => Deserialize(File.ReadAllText(path));
}
