namespace MedicalHub.Identity.Api.Organizations;

/// <summary>The permission catalogue: what a role can grant. Services authorize on these, never on role names.</summary>
public static class Permissions
{
    public const string OrgManage = "org:manage";
    public const string UsersRead = "users:read";
    public const string UsersManage = "users:manage";
    public const string RolesManage = "roles:manage";
    public const string AuditRead = "audit:read";
    public const string DocumentsRead = "documents:read";
    public const string DocumentsWrite = "documents:write";
    public const string DocumentsShare = "documents:share";
    public const string MessagesSend = "messages:send";
    public const string NotificationsManage = "notifications:manage";
    public const string WorkflowsRead = "workflows:read";
    public const string WorkflowsManage = "workflows:manage";

    public static readonly IReadOnlyDictionary<string, string> Catalogue = new Dictionary<string, string>
    {
        [OrgManage] = "Change the organization's settings and policies.",
        [UsersRead] = "See the organization's members.",
        [UsersManage] = "Invite, deactivate and change the roles of members.",
        [RolesManage] = "Create and change custom roles.",
        [AuditRead] = "Read the security audit trail.",
        [DocumentsRead] = "Read medical documents.",
        [DocumentsWrite] = "Upload and change medical documents.",
        [DocumentsShare] = "Share medical documents.",
        [MessagesSend] = "Send messages and notifications.",
        [NotificationsManage] = "Manage notification templates and settings.",
        [WorkflowsRead] = "See care pathways and tasks.",
        [WorkflowsManage] = "Define and run care pathways.",
    };
}
