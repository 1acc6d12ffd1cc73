namespace PamMySqlNet.Options;

/// <summary>The text of a config file, and whether users other than its owner and group may read it.</summary>
public sealed record ConfigText(string? Text, bool OthersCanRead, string? Error);

/// <summary>Reads config files; the real one checks ownership and permissions first.</summary>
public interface IConfigSource
{
    ConfigText Read(string path);
}
