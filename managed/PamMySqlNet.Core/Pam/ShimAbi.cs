namespace PamMySqlNet.Pam;

/// <summary>
/// The version of the C ABI between the shim and the core (PMN_ABI_VERSION in native/pmn_abi.h),
/// which the request frame to the fork helper and the daemon carries as well. Bump both on any change; a unit test
/// compares them.
/// </summary>
public static class ShimAbi
{
    public const uint Version = 5;

    /// <summary>PMN_MEMO_MAX: the most a per-handle memo may hold.</summary>
    public const int MemoMax = 256;
}
