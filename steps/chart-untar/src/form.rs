//! chart-untar in the CI hosts' forms (see `deckhand_common::host`).

use deckhand_common::host::{text, Form, Group, Input, Output};

pub const FORM: Form = Form {
    atom_code: "deckhandChartUntar",
    name: text("解压 Helm Chart (Deckhand)", "Unpack Helm chart (Deckhand)"),
    summary: text(
        "安全解压 Chart 归档：拒绝路径穿越、链接和超大文件，解压完成后才出现目标目录。",
        "Unpack a chart archive safely: no path traversal, links or oversized files; the folder appears only when complete.",
    ),
    category: "Deploy",
    timeout_minutes: 5,
    groups: &[Group { id: "limits", label: text("限制", "Limits"), folded: true }],
    inputs: &[
        Input::new("archive", text("Chart 归档 (.tgz)", "Chart archive (.tgz)"))
            .placeholder(text("charts/web-1.2.0.tgz（相对工作空间）", "charts/web-1.2.0.tgz (relative to the workspace)")),
        Input::new("destination", text("解压到目录", "Unpack into folder")),
        Input::new("name", text("目录改名为", "Rename the folder to")),
        Input::new("force", text("覆盖已存在的目录", "Replace an existing folder")),
        Input::new("max_size", text("解压总大小上限", "Largest total size")).group("limits"),
        Input::new("max_file_size", text("单个文件大小上限", "Largest file")).group("limits"),
    ],
    credentials: &[],
    outputs: &[
        Output { id: "chart_dir", description: text("解压后的 Chart 目录", "the unpacked chart folder") },
        Output { id: "chart_name", description: text("Chart 名称", "the chart's name") },
        Output { id: "chart_version", description: text("Chart 版本", "the chart's version") },
    ],
};
