using MedicalHub.Identity.Api.Tokens;
using OpenIddict.Server;

namespace MedicalHub.Identity.Tests.Tokens;

/// <summary>
/// When a redeemed (rotated) refresh token presented again is a replay (<see cref="RefreshTokenReuseHandler"/>): after
/// the leeway, the same test OpenIddict makes before it revokes the token's authorization; and the handler runs before
/// OpenIddict's, which would reject the request and run no further handler.
/// </summary>
public sealed class RefreshTokenReuseTests
{
    private static readonly DateTimeOffset RedeemedAt = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Leeway = TimeSpan.FromSeconds(5);

    [Fact]
    public void Within_the_leeway_a_rotated_token_may_be_used_again()
    {
        Assert.False(RefreshTokenReuseHandler.IsReplay(RedeemedAt, Leeway, RedeemedAt));
        Assert.False(RefreshTokenReuseHandler.IsReplay(RedeemedAt, Leeway, RedeemedAt + Leeway - TimeSpan.FromMilliseconds(1)));
    }

    [Fact]
    public void From_the_end_of_the_leeway_on_it_is_a_replay()
    {
        Assert.True(RefreshTokenReuseHandler.IsReplay(RedeemedAt, Leeway, RedeemedAt + Leeway));
        Assert.True(RefreshTokenReuseHandler.IsReplay(RedeemedAt, Leeway, RedeemedAt + TimeSpan.FromDays(3)));
    }

    [Fact]
    public void Without_a_leeway_any_second_use_is_a_replay()
    {
        Assert.True(RefreshTokenReuseHandler.IsReplay(RedeemedAt, leeway: null, RedeemedAt));
    }

    [Fact]
    public void A_redeemed_token_without_a_redemption_date_is_given_the_benefit_of_the_leeway()
    {
        Assert.False(RefreshTokenReuseHandler.IsReplay(redeemedAt: null, Leeway, RedeemedAt));
    }

    [Fact]
    public void The_session_ends_before_OpenIddict_rejects_the_replay()
    {
        var descriptor = RefreshTokenReuseHandler.Descriptor;

        Assert.Equal(OpenIddictServerHandlers.Protection.ValidateTokenEntry.Descriptor.Order - 1, descriptor.Order);
        Assert.Contains(typeof(OpenIddictServerHandlerFilters.RequireTokenStorageEnabled), descriptor.FilterTypes);
    }
}
