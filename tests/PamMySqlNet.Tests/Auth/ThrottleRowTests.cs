namespace PamMySqlNet.Tests.Auth;

/// <summary>What a throttle_table row means to the server that reads it: the threshold, the
/// back-off of each step counted from the last failure, and when a row no longer counts.</summary>
public class ThrottleRowTests
{
    private static readonly ThrottlePolicy Policy = new() { WindowSeconds = 300, MaxBackoffSeconds = 60 };
    private const long T0 = 1_800_000_000_000;

    private static ThrottleRow Row(int failures, long windowStartAgo, long lastFailureAgo, long now) =>
        new("address 192.0.2.7", failures, now - windowStartAgo, now - lastFailureAgo);

    [Fact]
    public void BelowTheThresholdNothingIsRefused()
    {
        Assert.Equal(0, Row(4, 1000, 0, T0).RefusedForMs(Policy, 5, T0));
        Assert.Equal(0, Row(1, 0, 0, T0).RefusedForMs(Policy, 5, T0));
    }

    [Fact]
    public void AtTheThresholdTheFirstBackoffRunsFromTheLastFailure()
    {
        Assert.Equal(2000, Row(5, 10_000, 0, T0).RefusedForMs(Policy, 5, T0));
        Assert.Equal(500, Row(5, 10_000, 1500, T0).RefusedForMs(Policy, 5, T0));
        Assert.Equal(0, Row(5, 10_000, 2000, T0).RefusedForMs(Policy, 5, T0));
    }

    [Fact]
    public void EachFailureAfterTheThresholdIsOneMoreStep()
    {
        var expected = new long[] { 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000 };
        for (int extra = 0; extra < expected.Length; extra++)
        {
            var row = Row(5 + extra, 100_000, 0, T0);
            Assert.Equal(extra + 1, row.Step(5));
            Assert.Equal(expected[extra], row.RefusedForMs(Policy, 5, T0));
        }
    }

    [Fact]
    public void TheReadersThresholdDecides()
    {
        var row = Row(5, 1000, 0, T0);
        Assert.Equal(0, row.RefusedForMs(Policy, 6, T0));
        Assert.Equal(8000, row.RefusedForMs(Policy, 3, T0));
        Assert.Equal(0, row.RefusedForMs(Policy, 0, T0));    // user names not counted
    }

    [Fact]
    public void ACountingRowGoesStaleAWindowAfterItsStart()
    {
        Assert.False(Row(3, 299_999, 10, T0).Stale(Policy, 5, T0));
        Assert.True(Row(3, 300_000, 10, T0).Stale(Policy, 5, T0));
    }

    [Fact]
    public void AThrottledRowGoesStaleOnlyAWholeWindowAfterItsLastFailure()
    {
        Assert.False(Row(7, 400_000, 299_999, T0).Stale(Policy, 5, T0));
        Assert.True(Row(7, 400_000, 300_000, T0).Stale(Policy, 5, T0));
        // A back-off longer than the window (max_backoff 3600): stale rows are never refused.
        var slow = Policy with { MaxBackoffSeconds = 3600, WindowSeconds = 60 };
        Assert.Equal(0, Row(20, 400_000, 60_000, T0).RefusedForMs(slow, 5, T0));
        Assert.True(Row(20, 400_000, 59_000, T0).RefusedForMs(slow, 5, T0) > 0);
    }

    [Fact]
    public void ARowFromAServerWhoseClockIsAhead()
    {
        // Its last failure is "in the future" here: the back-off counts from it, at most a step longer.
        Assert.Equal(3000, Row(5, 0, -1000, T0).RefusedForMs(Policy, 5, T0));
    }
}
