namespace MedicalHub.Security.Claims;

/// <summary>
/// Every permission a MedicalHub token can carry (one <see cref="ClaimNames.Permission"/> claim each): services
/// authorize on these, never on role names. To add one: its constant here, then its line in <see cref="Catalogue"/>
/// when roles may grant it (with the description Identity shows), or in <see cref="ServiceOnly"/> when only the
/// platform's services hold it; the built-in roles that get it are listed in Identity's <c>OrganizationRole.BuiltIn</c>.
/// </summary>
public static class PermissionNames
{
    public const string OrgManage = "org:manage";
    public const string UsersRead = "users:read";
    public const string UsersManage = "users:manage";
    public const string RolesManage = "roles:manage";
    public const string AuditRead = "audit:read";
    public const string PatientsRead = "patients:read";
    public const string PatientsWrite = "patients:write";
    public const string DocumentsRead = "documents:read";
    public const string DocumentsWrite = "documents:write";
    public const string DocumentsShare = "documents:share";
    public const string MessagesSend = "messages:send";
    public const string NotificationsManage = "notifications:manage";
    public const string WorkflowsRead = "workflows:read";
    public const string WorkflowsManage = "workflows:manage";
    public const string TasksRead = "tasks:read";
    public const string TasksWrite = "tasks:write";
    public const string PatientsInvite = "patients:invite";

    /// <summary>Check that a patient record exists in an organization (Content's patient check): Identity, for patient portal invitations.</summary>
    public const string PatientsCheck = "patients:check";

    /// <summary>Read the sessions ended recently (Identity's revocation list): the gateway and every service.</summary>
    public const string SessionsReadRevocations = "sessions:read-revocations";

    /// <summary>Read how to reach an organization's member and who holds a role (Identity's internal member endpoints): Communication, Content.</summary>
    public const string UsersReadContact = "users:read-contact";

    /// <summary>What a role can grant, with what each allows (Identity's <c>GET /api/permissions</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Catalogue = new Dictionary<string, string>
    {
        [OrgManage] = "Change the organization's settings and policies.",
        [UsersRead] = "See the organization's members.",
        [UsersManage] = "Invite, deactivate and change the roles of members.",
        [RolesManage] = "Create and change custom roles.",
        [AuditRead] = "Read the security audit trail.",
        [PatientsRead] = "Find and read patients' records.",
        [PatientsWrite] = "Register patients, change and merge their records.",
        [DocumentsRead] = "Read medical documents.",
        [DocumentsWrite] = "Upload and change medical documents.",
        [DocumentsShare] = "Share medical documents.",
        [MessagesSend] = "Send messages and notifications.",
        [NotificationsManage] = "Manage notification templates and settings.",
        [WorkflowsRead] = "See care pathways and tasks.",
        [WorkflowsManage] = "Define and run care pathways.",
        [TasksRead] = "See work lists and tasks.",
        [TasksWrite] = "Claim, release and complete tasks.",
        [PatientsInvite] = "Invite patients to their portal accounts.",
    };

    /// <summary>
    /// Permissions only the platform's services hold (configured for their clients in Identity, never granted by a role).
    /// A permission configured for a service client but in neither list is left out of its tokens.
    /// </summary>
    public static readonly IReadOnlySet<string> ServiceOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        SessionsReadRevocations,
        UsersReadContact,
        PatientsCheck,
    };
}
