using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using MedicalHub.Identity.Api.Accounts;
using MedicalHub.Identity.Api.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using QRCoder;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace MedicalHub.Identity.Api.Mfa;

/// <summary>TOTP second factor: enrol (secret, otpauth URI, QR code), confirm with a code (recovery codes), disable, new recovery codes.</summary>
public static class MfaApi
{
    public const string Issuer = "MedicalHub";
    public const int RecoveryCodeCount = 10;

    public static IEndpointRouteBuilder MapMfaApi(this IEndpointRouteBuilder app)
    {
        var mfa = app.MapGroup("/api/account/mfa/totp").WithTags("Account security").RequireAuthorization();

        mfa.MapPost("/", StartAsync).WithName("StartTotp")
            .WithSummary("Begin TOTP enrolment: a new secret, its otpauth:// URI and a QR code (PNG, base64)");
        mfa.MapPost("/confirm", ConfirmAsync).WithName("ConfirmTotp")
            .WithSummary("Turn TOTP on with a code from the authenticator app; answers the 10 one-time recovery codes, shown once");
        mfa.MapPost("/disable", DisableAsync).WithName("DisableTotp")
            .WithSummary("Turn TOTP off, with the password and a current code");
        mfa.MapPost("/recovery-codes", RegenerateRecoveryCodesAsync).WithName("RegenerateRecoveryCodes")
            .WithSummary("Replace the recovery codes, with a current code");
        return app;
    }

    public sealed record Enrolment(string Secret, string OtpAuthUri, string QrCodePng);

    public sealed record CodeRequest([Required, StringLength(10, MinimumLength = 6)] string Code);

    public sealed record DisableRequest([Required, StringLength(128)] string Password, [Required, StringLength(10, MinimumLength = 6)] string Code);

    public sealed record RecoveryCodes(string[] Codes);

    private static async Task<Results<Ok<Enrolment>, NotFound, ProblemHttpResult>> StartAsync(ClaimsPrincipal principal, UserManager<User> users)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        if (await users.GetTwoFactorEnabledAsync(user))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "TOTP is already on.", detail: "Disable it first to enrol a new authenticator.");
        }

        await users.ResetAuthenticatorKeyAsync(user);
        var secret = (await users.GetAuthenticatorKeyAsync(user))!;
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(user.Email!)}?secret={secret}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
        using var qr = QRCodeGenerator.GenerateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(qr).GetGraphic(6);
        return TypedResults.Ok(new Enrolment(secret, uri, Convert.ToBase64String(png)));
    }

    private static async Task<Results<Ok<RecoveryCodes>, NotFound, ValidationProblem>> ConfirmAsync(CodeRequest request, ClaimsPrincipal principal,
        UserManager<User> users, AuthenticatorCodes authenticator, IAuditTrail audit)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        if (await users.GetAuthenticatorKeyAsync(user) is null || !await authenticator.IsValidAsync(user, request.Code))
        {
            return InvalidCode();
        }

        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        await audit.RecordAsync(new(AuditActions.MfaEnrolled, AuditOutcomes.Success, principal.OrganizationId(), user.Id, Reason: "totp"));
        return TypedResults.Ok(new RecoveryCodes([.. codes!]));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem>> DisableAsync(DisableRequest request, ClaimsPrincipal principal,
        UserManager<User> users, AuthenticatorCodes authenticator, IAuditTrail audit)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        if (!await users.CheckPasswordAsync(user, request.Password) || !await authenticator.IsValidAsync(user, request.Code))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["credentials"] = ["The password or the code is not right."] });
        }

        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user); // the old authenticator must not work again
        await audit.RecordAsync(new(AuditActions.MfaDisabled, AuditOutcomes.Success, principal.OrganizationId(), user.Id, Reason: "totp"));
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<RecoveryCodes>, NotFound, ValidationProblem>> RegenerateRecoveryCodesAsync(CodeRequest request, ClaimsPrincipal principal,
        UserManager<User> users, AuthenticatorCodes authenticator, IAuditTrail audit)
    {
        var user = await users.FindByIdAsync(principal.FindFirstValue(Claims.Subject) ?? "");
        if (user is null)
        {
            return TypedResults.NotFound();
        }
        if (!await users.GetTwoFactorEnabledAsync(user) || !await authenticator.IsValidAsync(user, request.Code))
        {
            return InvalidCode();
        }
        var codes = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
        await audit.RecordAsync(new(AuditActions.RecoveryCodesRegenerated, AuditOutcomes.Success, principal.OrganizationId(), user.Id));
        return TypedResults.Ok(new RecoveryCodes([.. codes!]));
    }

    private static ValidationProblem InvalidCode() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["code"] = ["The code is not right, or was already used."] });
}
