using PamMySqlNet.Helper;

namespace PamMySqlNet.Tests.Helper;

/// <summary>The `daemon --status` frames: what goes over the socket, and the bounds on it.</summary>
public class StatusFramesTests
{
    [Fact]
    public void TheRequestIsTheMostKeysWantedClamped()
    {
        Assert.Equal(new byte[] { 100, 0, 0, 0 }, StatusFrames.Request(100));
        Assert.Equal(100, StatusFrames.ReadRequest(StatusFrames.Request(100)));
        Assert.Equal(StatusFrames.MaxKeys, StatusFrames.ReadRequest(StatusFrames.Request(int.MaxValue)));
        Assert.Equal(1, StatusFrames.ReadRequest(StatusFrames.Request(-5)));
    }

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0xE9, 0x03, 0, 0 })]      // 1001
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF })]
    public void AnythingElseIsNotAStatusRequest(byte[] payload) => Assert.Null(StatusFrames.ReadRequest(payload));

    [Fact]
    public void TheAnswerRoundTrips()
    {
        var snapshot = new ThrottleSnapshot(12, 2, [
            new ThrottledKey("address 192.0.2.7", 6, 2, 3500, 299_000, 41),
            new ThrottledKey("user \"x'); DROP TABLE t; --\"", 20, 1, 0, 120_000, 0),
        ]);
        byte[] payload = StatusFrames.Answer(snapshot);
        var back = StatusFrames.ReadAnswer(payload);
        Assert.Equal(snapshot.Tracked, back.Tracked);
        Assert.Equal(snapshot.Throttled, back.Throttled);
        Assert.Equal(snapshot.Keys, back.Keys);
        // tracked, throttled, n; then the first key's length and its bytes
        Assert.Equal(new byte[] { 12, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 17, 0, 0, 0 }, payload[..16]);
    }

    [Fact]
    public void KeysAreCutAndTimesClamped()
    {
        var back = StatusFrames.ReadAnswer(StatusFrames.Answer(new ThrottleSnapshot(1, 1, [
            new ThrottledKey("host " + new string('a', 1000), 1, 1, long.MaxValue, -5, 0)])));
        var key = Assert.Single(back.Keys);
        Assert.Equal(StatusFrames.MaxKeyChars, key.Key.Length);
        Assert.Equal(int.MaxValue, key.BackoffMs);
        Assert.Equal(0, key.ReleaseMs);
    }

    [Fact]
    public void AtMostMaxKeysAreSentAndTheAnswerStaysSmall()
    {
        var many = Enumerable.Range(0, 5000).Select(i => new ThrottledKey("host " + new string('x', 300) + i, 5, 1, 1, 1, 1)).ToList();
        byte[] payload = StatusFrames.Answer(new ThrottleSnapshot(8192, 5000, many));
        Assert.True(payload.Length < HelperProtocol.MaxPayload / 2);
        var back = StatusFrames.ReadAnswer(payload);
        Assert.Equal(StatusFrames.MaxKeys, back.Keys.Count);
        Assert.Equal(5000, back.Throttled);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0 })]                         // one key announced, none there
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 0, 0, 0xE9, 0x03, 0, 0 })]                   // 1001 keys
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF })]             // -1 keys
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF })] // a NULL key
    [InlineData(new byte[] { 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 100, 0, 0, 0, 65 })]       // a key longer than the payload
    [InlineData(new byte[] { 1, 0, 0 })]
    public void AMalformedAnswerIsRefused(byte[] payload) =>
        Assert.Throws<InvalidDataException>(() => StatusFrames.ReadAnswer(payload));
}
