# Messages of pull-secret, English.

## Credentials
docker-config-unreadable = cannot read --docker-config
docker-config-not-json = --docker-config { $path }: not JSON ({ $error })
docker-config-bad-auth = --docker-config { $path }: the `auth` of { $registry } is not base64 of user:password
docker-config-no-auth = --docker-config { $path }: { $registry } has no stored credentials
docker-config-missing = --docker-config { $path }: no credentials for { $registries }
hint-creds-store = this config keeps the password in a credential helper (credsStore/credHelpers): log in with a config that stores it (docker login with no helper), or pass --registry/--username/--password
no-credentials = no registry credentials given
hint-no-credentials = give --registry HOST with --username and --password (or --password-stdin), or --docker-config FILE
incomplete-registry-login = --registry needs --username and a password (--password, --password-stdin or --password-file)
what-secret-name = the secret name
bad-registry = registry "{ $registry }": { $error }

## Checking the login with the registry
login-failed = the registry { $registry } did not accept the credentials; the secret was not written ({ $why })
hint-verify = check the username and password (or token) for this registry; --verify never skips the check
untrusted-certificate = cannot check the credentials with { $registry }: { $why }; the secret was not written (--verify never skips the check)
verify-skipped = could not check the credentials with { $registry } ({ $why }); writing the secret anyway (--verify always makes this an error)

## Writing to the cluster
# What was being done, followed by the cluster's address ("... on https://...").
doing-read-secret = read secret { $name } in { $namespace } on
doing-create-secret = create secret { $name } in { $namespace } on
doing-update-secret = update secret { $name } in { $namespace } on
doing-read-service-account = read service account { $account } in { $namespace } on
doing-update-service-account = update service account { $account } in { $namespace } on
other-type = secret { $name } in namespace { $namespace } already exists with type { $kind }; refusing to overwrite it
hint-other-type = choose another secret name, or remove that secret yourself if it is no longer used
service-account-missing = service account { $account } does not exist in namespace { $namespace }
conflict = { $name } kept changing while we updated it (HTTP 409 several times); try again

## The result
# $result: created, updated or unchanged.
result-secret = secret { $name } in namespace { $namespace }: { $result ->
    [created] created
    [updated] updated
   *[unchanged] unchanged
}
result-registries = registries: { $registries }
result-login-checked = login checked with: { $registries }
result-namespace-created = namespace { $namespace } created
# $change: updated or unchanged.
result-service-account = service account { $account }: imagePullSecrets { $change ->
    [unchanged] already lists it
   *[other] now lists it
}
result-cluster = cluster: { $server } (Kubernetes { $version })
summary = secret { $namespace }/{ $name } { $result ->
    [created] created
    [updated] updated
   *[unchanged] unchanged
}
