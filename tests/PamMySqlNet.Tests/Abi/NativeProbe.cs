using System.Diagnostics;

namespace PamMySqlNet.Tests.Abi;

/// <summary>Compiles a small C program against native/ with the system compiler and runs it: how
/// the ABI tests learn what the C side really does (offsets, bytes on the wire).</summary>
internal static class NativeProbe
{
    /// <summary>The program's standard output. <paramref name="source"/> may include any file of
    /// native/ by its name.</summary>
    public static byte[] CompileAndRun(string source)
    {
        string dir = Directory.CreateTempSubdirectory("pmn-abi-").FullName;
        try
        {
            string c = Path.Combine(dir, "probe.c"), exe = Path.Combine(dir, "probe");
            File.WriteAllText(c, source);
            string native = RepoFiles.PathOf("native");
            Run("cc", ["-std=gnu11", "-I", native, "-o", exe, c]);
            return Run(exe, []);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static byte[] Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = new MemoryStream();
        var copy = p.StandardOutput.BaseStream.CopyToAsync(output);
        string errors = p.StandardError.ReadToEnd();
        copy.Wait();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} failed ({p.ExitCode}): {errors}");
        return output.ToArray();
    }
}
