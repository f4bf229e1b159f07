//! The ways a database makes a log append durable, and how each is done.

pub use crate::model::wal::Method;
use crate::dio::OpenMode;

impl Method {
    /// Every method, in report order.
    pub const ALL: [Method; 8] = [
        Method::None,
        Method::Odsync,
        Method::Fdatasync,
        Method::Fsync,
        Method::Osync,
        Method::RwfDsync,
        Method::BufferedFdatasync,
        Method::BufferedFsync,
    ];

    /// How the log is opened for this method.
    pub fn open_mode(self) -> OpenMode {
        match self {
            Method::Odsync => OpenMode::Wal,
            Method::Osync => OpenMode::WalFullSync,
            // The profile-only methods open their files themselves
            // (profile::files); never through this.
            Method::BufferedFdatasync | Method::BufferedFsync | Method::BufferedOdsync | Method::BufferedOsync => {
                OpenMode::Buffered
            }
            Method::None | Method::Fdatasync | Method::Fsync | Method::RwfDsync => OpenMode::ReadWrite,
        }
    }

    /// True when durability needs a separate sync call after the write.
    pub fn separate_sync(self) -> bool {
        matches!(self, Method::Fdatasync | Method::Fsync | Method::BufferedFdatasync | Method::BufferedFsync)
    }

    /// Why this OS cannot do the method, if it cannot.
    pub fn unsupported(self) -> Option<&'static str> {
        if self == Method::RwfDsync && !cfg!(target_os = "linux") {
            return Some("RWF_DSYNC is Linux-only");
        }
        None
    }

    /// The database setting this generic method's calls are, if any
    /// (`--profile` replays the database's whole commit).
    pub fn database_setting(self) -> Option<&'static str> {
        match self {
            // (PostgreSQL itself opens its WAL O_DIRECT only at wal_level=minimal.)
            Method::Odsync => Some("pg_test_fsync open_datasync"),
            Method::Osync => Some("pg_test_fsync open_sync"),
            Method::BufferedFdatasync => Some("postgres wal_sync_method=fdatasync, pg_test_fsync fdatasync"),
            Method::BufferedFsync => Some("postgres wal_sync_method=fsync, pg_test_fsync fsync"),
            Method::BufferedOdsync => Some("postgres wal_sync_method=open_datasync"),
            Method::BufferedOsync => Some("postgres wal_sync_method=open_sync"),
            Method::None | Method::Fdatasync | Method::Fsync | Method::RwfDsync => None,
        }
    }

    /// The RWF_* flags of the write step (RWF_DSYNC for `rwf-dsync`).
    pub fn rw_flags(self) -> i32 {
        #[cfg(target_os = "linux")]
        if self == Method::RwfDsync {
            return libc::RWF_DSYNC;
        }
        0
    }

    /// The write step as an error message names it.
    pub fn write_action(self) -> &'static str {
        if self == Method::RwfDsync { "write (RWF_DSYNC)" } else { "write" }
    }

    /// True when the separate sync is fsync (else fdatasync).
    pub fn syncs_all(self) -> bool {
        matches!(self, Method::Fsync | Method::BufferedFsync)
    }

    /// The sync step as an error message names it.
    pub fn sync_action(self) -> &'static str {
        if self.syncs_all() { "fsync" } else { "fdatasync" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_names_are_the_names_users_type() {
        for m in Method::ALL {
            assert_eq!(serde_json::to_value(m).unwrap(), m.name());
        }
    }
}
