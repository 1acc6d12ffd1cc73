using System.Text.RegularExpressions;

namespace PamMySqlNet.Tests.Abi;

/// <summary>The C header and the managed side agree on the ABI (a mismatch makes every forked
/// child's login fail: the helper refuses the shim's request).</summary>
public class ShimAbiTests
{
    private static long Define(string name)
    {
        var m = Regex.Match(RepoFiles.Read("native/pmn_abi.h"), $@"#define {name} (\d+)u\b");
        Assert.True(m.Success, $"{name} not found in native/pmn_abi.h");
        return long.Parse(m.Groups[1].Value);
    }

    [Fact]
    public void VersionMatchesTheHeader() => Assert.Equal(ShimAbi.Version, Define("PMN_ABI_VERSION"));

    [Fact]
    public void MemoLimitMatchesTheHeader() => Assert.Equal(ShimAbi.MemoMax, Define("PMN_MEMO_MAX"));
}
