using System.Net;

namespace PamMySqlNet.Tests.Auth;

/// <summary>What a PAM_RHOST is counted under, and the trusted-network blocks.</summary>
public class ThrottleKeysTests
{
    [Theory]
    [InlineData("192.0.2.7", "address 192.0.2.7")]
    [InlineData(" 192.0.2.7 ", "address 192.0.2.7")]
    [InlineData("::ffff:192.0.2.7", "address 192.0.2.7")]
    [InlineData("2001:db8:1:2:3:4:5:6", "address 2001:db8:1:2::/64")]
    [InlineData("2001:DB8:1:2::ffff", "address 2001:db8:1:2::/64")]
    [InlineData("[2001:db8:1:2::1]", "address 2001:db8:1:2::/64")]
    [InlineData("fe80::1%eth0", "address fe80::/64")]
    [InlineData("Mail.Example.COM", "host mail.example.com")]
    [InlineData("1.2", "host 1.2")]          // inet_aton's shorthand is not taken as an address
    [InlineData("192.0.2.7:25", "host 192.0.2.7:25")]
    public void KeyOfARemoteHost(string rhost, string key) =>
        Assert.Equal(key, ThrottleKeys.ForRemote(rhost).Key);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void NoRemoteHostNoKey(string? rhost) => Assert.Null(ThrottleKeys.ForRemote(rhost).Key);

    [Fact]
    public void TwoAddressesOfOneSlash64CountTogetherAndTheNextSlash64Apart()
    {
        Assert.Equal(ThrottleKeys.ForRemote("2001:db8:0:1::1").Key, ThrottleKeys.ForRemote("2001:db8:0:1:ffff:ffff:ffff:ffff").Key);
        Assert.NotEqual(ThrottleKeys.ForRemote("2001:db8:0:1::1").Key, ThrottleKeys.ForRemote("2001:db8:0:2::1").Key);
    }

    [Fact]
    public void UserNamesAreCaseInsensitive() =>
        Assert.Equal(ThrottleKeys.ForUser("Alice@Example.test"), ThrottleKeys.ForUser("alice@example.TEST"));

    [Theory]
    [InlineData("127.0.0.0/8", "127.1.2.3", true)]
    [InlineData("127.0.0.0/8", "128.0.0.1", false)]
    [InlineData("192.0.2.0/25", "192.0.2.127", true)]
    [InlineData("192.0.2.0/25", "192.0.2.128", false)]
    [InlineData("192.0.2.9", "192.0.2.9", true)]
    [InlineData("192.0.2.9", "192.0.2.10", false)]
    [InlineData("10.0.0.0/8", "::ffff:10.9.9.9", true)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("::1", "::1", true)]
    [InlineData("::1", "127.0.0.1", false)]
    [InlineData("0.0.0.0/0", "203.0.113.1", true)]
    public void NetworkRangeContains(string range, string address, bool inside)
    {
        Assert.True(NetworkRange.TryParse(range, out var r));
        Assert.Equal(inside, r!.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("192.0.2.0/33")]
    [InlineData("2001:db8::/129")]
    [InlineData("192.0.2.0/")]
    [InlineData("192.0.2.0/-1")]
    [InlineData("mail.example.com")]
    [InlineData("fe80::1%eth0/64")]
    public void NotANetworkRange(string text) => Assert.False(NetworkRange.TryParse(text, out _));

    [Fact]
    public void TheHostBitsOfARangeAreCleared()
    {
        Assert.True(NetworkRange.TryParse("192.0.2.77/24", out var r));
        Assert.Equal("192.0.2.0/24", r!.ToString());
    }
}
