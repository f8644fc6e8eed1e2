//! The page templates (minijinja, auto-escaping every value) and the translation functions they call.

use axum::response::Html;
use minijinja::{Environment, State, Value};

use crate::error::ApiError;
use crate::i18n::{CATALOGS, Lang};

pub struct Templates {
    env: Environment<'static>,
}

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("home.html", include_str!("../templates/home.html")),
    ("check.html", include_str!("../templates/check.html")),
    (
        "report_form.html",
        include_str!("../templates/report_form.html"),
    ),
    (
        "report_thanks.html",
        include_str!("../templates/report_thanks.html"),
    ),
    ("error.html", include_str!("../templates/error.html")),
    ("login.html", include_str!("../templates/login.html")),
    (
        "reports_list.html",
        include_str!("../templates/reports_list.html"),
    ),
    (
        "report_view.html",
        include_str!("../templates/report_view.html"),
    ),
    (
        "dashboard.html",
        include_str!("../templates/dashboard.html"),
    ),
    ("search.html", include_str!("../templates/search.html")),
    ("clusters.html", include_str!("../templates/clusters.html")),
    ("cluster.html", include_str!("../templates/cluster.html")),
    (
        "indicator.html",
        include_str!("../templates/indicator.html"),
    ),
    (
        "over_linked.html",
        include_str!("../templates/over_linked.html"),
    ),
    ("cases.html", include_str!("../templates/cases.html")),
    ("case.html", include_str!("../templates/case.html")),
];

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_code))
        .unwrap_or(Lang::EN)
}

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            // Templates are compiled in and rendered by tests; a broken one is a build defect.
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name}: {e}"));
        }
        env.add_function("t", |state: &State, key: &str| {
            CATALOGS.get(lang_of(state), key).to_string()
        });
        env.add_function(
            "tf",
            |state: &State, key: &str, kwargs: minijinja::value::Kwargs| {
                let args: Vec<(&str, String)> = kwargs
                    .args()
                    .filter_map(|k| kwargs.get::<Value>(k).ok().map(|v| (k, v.to_string())))
                    .collect();
                let text = CATALOGS.format(lang_of(state), key, &args);
                // Every named argument was used; minijinja checks that.
                let _ = kwargs.assert_all_used();
                text
            },
        );
        Templates { env }
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<Html<String>, ApiError> {
        let template = self.env.get_template(name).map_err(|e| {
            tracing::error!(template = name, error = %e, "missing template");
            ApiError::Internal
        })?;
        template.render(ctx).map(Html).map_err(|e| {
            tracing::error!(template = name, error = %e, "template failed");
            ApiError::Internal
        })
    }
}
