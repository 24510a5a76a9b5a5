//! Headless Chromium driven through Debian's chromedriver: one driver and one browser profile
//! per test, stopped when the test ends. Missing locally, tests skip loudly; under CI=true they
//! fail instead.

use fantoccini::{Client, ClientBuilder, Locator};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian puts the driver; `CHROMEDRIVER` overrides.
const DRIVER: &str = "/usr/bin/chromedriver";
/// Where Debian puts the browser; `CHROMIUM` overrides.
const CHROMIUM: &str = "/usr/bin/chromium";

/// The widths pages are tried at: a laptop's and a phone's (an iPhone's 390 CSS pixels).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// 1280 pixels wide.
    Desktop,
    /// 390 pixels wide.
    Phone,
}

impl Width {
    /// Both widths, the desktop first (the one a browser starts at).
    pub const ALL: [Width; 2] = [Width::Desktop, Width::Phone];

    /// The window's size in pixels.
    fn size(self) -> (u32, u32) {
        match self {
            Width::Desktop => (1280, 1000),
            Width::Phone => (390, 844),
        }
    }

    /// The name screenshots taken at this width end with.
    fn name(self) -> &'static str {
        match self {
            Width::Desktop => "desktop",
            Width::Phone => "phone",
        }
    }
}

/// A browser session and the driver behind it.
pub struct Browser {
    /// The WebDriver client.
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// A fresh headless browser, or `None` (with a loud message) when Chromium or its driver
    /// is not installed and this is not CI.
    pub async fn start() -> Option<Browser> {
        let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| DRIVER.into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| CHROMIUM.into());
        let missing: Vec<&str> = [driver.as_str(), chromium.as_str()]
            .into_iter()
            .filter(|p| !std::path::Path::new(p).exists())
            .collect();
        if !missing.is_empty() {
            let message = format!(
                "browser tests need Debian's chromium and chromium-driver; missing {missing:?}"
            );
            assert!(!in_ci(), "{message} (CI=true: failing instead of skipping)");
            eprintln!("SKIPPED: {message}");
            return None;
        }
        let port = free_port();
        let child = Command::new(&driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {driver}: {e}"));
        let profile = tempfile::tempdir().expect("a browser profile folder");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1280,1000", "--lang=en-US",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = loop {
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if Instant::now() > deadline => {
                    panic!("chromedriver on {url} did not start a browser: {e}")
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        };
        Some(Browser {
            client,
            driver: child,
            _profile: profile,
        })
    }

    /// Goes to `url` and waits for the page.
    pub async fn go(&self, url: &str) {
        self.client
            .goto(url)
            .await
            .unwrap_or_else(|e| panic!("opening {url}: {e}"));
    }

    /// The element `css`, waiting up to ten seconds for it to appear.
    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.find_within(css, Duration::from_secs(10)).await
    }

    /// The element `css`, waiting up to `patience` for it to appear: for what a background
    /// job puts on a page that refreshes itself, which takes longer on a loaded machine.
    pub async fn find_within(
        &self,
        css: &str,
        patience: Duration,
    ) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(patience)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}` on the page: {e}"))
    }

    /// The text of the element `css`.
    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.expect("element text")
    }

    /// Types `text` into the field `css` (cleared first).
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear a field");
        field.send_keys(text).await.expect("type into a field");
    }

    /// Clicks `css` on the page, expecting no new page (a checkbox, a radio button).
    pub async fn tick(&self, css: &str) {
        self.find(css).await.click().await.expect("click");
    }

    /// Clicks `css` and waits until the browser is on a page that is not `from` or has
    /// reloaded (a form post answers with a new document).
    pub async fn click(&self, css: &str) {
        let marker = "window.__laurel_before_click = true; return true;";
        self.client
            .execute(marker, Vec::new())
            .await
            .expect("mark the page");
        self.find(css).await.click().await.expect("click");
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let same = self
                .client
                .execute("return window.__laurel_before_click === true;", Vec::new())
                .await
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if !same {
                return;
            }
            assert!(Instant::now() < deadline, "clicking {css} loaded no page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Runs JavaScript in the page.
    pub async fn run(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, Vec::new())
            .await
            .unwrap_or_else(|e| panic!("running {script}: {e}"))
    }

    /// The page's URL path.
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .expect("url")
            .path()
            .to_owned()
    }

    /// Saves a screenshot as `target/screenshots/{name}.png` for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        let dir = screenshots_dir();
        std::fs::create_dir_all(&dir).expect("the screenshots folder");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write a screenshot");
    }

    /// Resizes the window to `width`.
    pub async fn resize(&self, width: Width) {
        let (w, h) = width.size();
        self.window(w, h).await;
    }

    /// Sets the window's size in pixels and waits until the page is laid out at it: the
    /// driver may answer before the renderer has taken the new size, and a measurement
    /// made in between reads the old layout.
    async fn window(&self, w: u32, h: u32) {
        self.client
            .set_window_size(w, h)
            .await
            .unwrap_or_else(|e| panic!("resizing the window to {w}x{h}: {e}"));
        let taken = format!(
            "return window.innerWidth === {w} && document.documentElement.clientWidth <= {w};"
        );
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.run(&taken).await != serde_json::Value::Bool(true) {
            assert!(
                Instant::now() < deadline,
                "the page never took the window size {w}x{h}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // One animation frame, so that what depends on the new size has been styled.
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => done(true));",
                Vec::new(),
            )
            .await
            .unwrap_or_else(|e| panic!("waiting a frame after resizing: {e}"));
    }

    /// Screenshots of the page at both widths, `{name}-desktop.png` and `{name}-phone.png`,
    /// each of the whole page, after checking that nothing on it is wider than the window (a
    /// phone never scrolls sideways); the window is left at the desktop width.
    pub async fn shots(&self, name: &str) {
        for width in Width::ALL {
            self.resize(width).await;
            let wider = self.wider_than_the_window().await;
            assert!(
                wider.is_empty(),
                "{name} at {width:?} width: wider than the window: {wider:?}"
            );
            // The whole page in one picture: the window as tall as the page (within reason).
            let tall = self
                .run("return document.documentElement.scrollHeight;")
                .await
                .as_u64()
                .unwrap_or(0);
            let (w, h) = width.size();
            self.window(w, u32::try_from(tall).unwrap_or(h).clamp(h, 6000))
                .await;
            self.screenshot(&format!("{name}-{}", width.name())).await;
        }
        self.resize(Width::Desktop).await;
    }

    /// The elements (tag, id and class) whose right edge lies past the window's, innermost
    /// first: empty when the page fits (what is inside a `.scroll` box may scroll in it).
    pub async fn wider_than_the_window(&self) -> Vec<String> {
        let found = self
            .run(
                "const w = document.documentElement.clientWidth; const out = [];\
                 for (const e of document.querySelectorAll('body *')) {\
                   const r = e.getBoundingClientRect();\
                   if (r.width > 0 && r.right > w + 1 && !(e.parentElement && e.parentElement.closest('.scroll'))) {\
                     out.push(e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : ''));\
                   }\
                 }\
                 return out.reverse();",
            )
            .await;
        serde_json::from_value(found).expect("a list of elements")
    }

    /// Ends the session and the driver.
    pub async fn stop(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// `target/screenshots` of this workspace (or of `CARGO_TARGET_DIR`).
fn screenshots_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target"),
        PathBuf::from,
    );
    target.join("screenshots")
}
