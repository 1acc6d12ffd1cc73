namespace PamMySqlNet.Tests;

/// <summary>The base of a test class whose tests each get a private directory under the temp path
/// (xunit makes one instance a test), removed with what is in it when the test is done.</summary>
public abstract class TempDirectoryTest(string prefix) : IDisposable
{
    /// <summary>The directory: new, empty, mode 0700.</summary>
    protected string Dir { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    /// <summary><paramref name="name"/> in <see cref="Dir"/>.</summary>
    protected string PathIn(string name) => Path.Combine(Dir, name);

    public void Dispose()
    {
        Directory.Delete(Dir, recursive: true);
        GC.SuppressFinalize(this);
    }
}
