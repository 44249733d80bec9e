"""简体中文: the translations ``tr`` uses after ``set_language("zh-CN")``, keyed by the English text.

Terms follow the glossary in README.zh-CN.md. A ``{name}`` field in a key must appear in its translation.
"""

MESSAGES = {
    # --- plots ---------------------------------------------------------------------------------------
    "train": "训练",
    "validation": "验证",
    "test": "测试",
    "val": "验证",
    "Loss (lower is better)": "损失（越低越好）",
    "Accuracy (higher is better)": "准确率（越高越好）",
    "Epoch": "轮（epoch）",
    "Cross-entropy loss (mean per image)": "交叉熵损失（每张图像的平均值）",
    "Accuracy (% of images)": "准确率（%）",
    "{label}: every seed diverged": "{label}：每个随机种子都发散了",
    "{label} (mean of {n} of {total} seeds)": "{label}（{total} 个随机种子中 {n} 个的平均）",
    "{label} (mean of {n} seeds)": "{label}（{n} 个随机种子的平均）",
    "Validation loss": "验证损失",
    "Test loss": "测试损失",
    "Validation accuracy": "验证准确率",
    "Test accuracy": "测试准确率",
    "{guess}\n(is {truth})": "{guess}\n（实为 {truth}）",
    "Learning rate (log scale)": "学习率（对数刻度）",
    "Training loss (smoothed)": "训练损失（平滑后）",
    "Learning-rate range test": "学习率范围测试",
    # --- training ------------------------------------------------------------------------------------
    "became NaN": "变成了 NaN",
    "became infinite": "变成了无穷大",
    "exploded to {loss:.3g}": "暴涨到 {loss:.3g}",
    "epoch {epoch}, batch {batch} of {n}": "第 {epoch} 轮、第 {batch}/{n} 个批次",
    "batch {batch} of {n}": "第 {batch}/{n} 个批次",
    "The loss {what} at {where}; learning rate {lr:g} is too high; try {lower:g} or lower.":
        "损失在{where}{what}：学习率 {lr:g} 太高了，试试 {lower:g} 或更低的值。",
    "The learning rate must be a finite number, got {lr!r}; the lesson uses 1e-3.":
        "学习率必须是一个有限的数，收到的是 {lr!r}；本课使用 1e-3。",
    "The learning rate must be above 0, got {lr}: {why} Try 1e-3 for SGD as in the lesson, or 0.1 for "
    "faster SGD.": "学习率必须大于 0，收到的是 {lr}：{why}像本课一样给 SGD 用 1e-3，或者用 0.1 让 SGD 学得更快。",
    "with 0 the parameters never change.": "为 0 时参数永远不会改变。",
    "a negative one climbs the loss instead of descending.": "负的学习率会让损失往上爬，而不是往下降。",
    "epochs must be a whole number of at least 1, got {epochs!r}; the lesson uses 10.":
        "epochs（轮数）必须是不小于 1 的整数，收到的是 {epochs!r}；本课使用 10。",
    "The model is on {here} but device={device!r} was asked for. Move it first with "
    "model.to({device!r}) and build the optimizer after that, or leave device out.":
        "模型在 {here} 上，却要求 device={device!r}。先用 model.to({device!r}) 把模型移过去，"
        "之后再创建优化器；或者不要传 device。",
    "Targets of shape {shape} do not match the model's output {out}. "
    "Use class indices (shape [batch], int64) or one-hot rows with one column per class.":
        "形状为 {shape} 的目标与模型输出 {out} 对不上。请使用类别索引（形状 [batch]，int64），"
        "或每个类别占一列的独热（one-hot）向量。",
    "Targets must be class indices of shape [batch] and dtype int64, got shape {shape} "
    "and dtype {dtype}. Convert them with y.long().":
        "目标必须是形状为 [batch]、dtype 为 int64 的类别索引，收到的形状是 {shape}、dtype 是 {dtype}。"
        "用 y.long() 转换。",
    "The model outputs {width} scores per image but a label is {label}. "
    "Labels must run from 0 to {top}: give the last layer one output per class, "
    "e.g. NeuralNetwork(num_classes=10) for FashionMNIST's 10 classes.":
        "模型为每张图像输出 {width} 个得分，但有一个标签是 {label}。标签必须在 0 到 {top} 之间："
        "让最后一层为每个类别输出一个值，例如 FashionMNIST 的 10 个类别用 NeuralNetwork(num_classes=10)。",
    "The dataloader gave no batches: the dataset is empty.": "数据加载器没有给出任何批次：数据集是空的。",
    "Stopped after {n} finished epoch(s); the curves so far are kept.": "完成 {n} 轮后已停止；目前为止的曲线都保留着。",
    "Interrupted after {n} finished epoch(s); the history so far is kept.": "完成 {n} 轮后被中断；目前为止的训练记录都保留着。",
    "Interrupted after {n} finished epoch(s); the curves so far are kept.": "完成 {n} 轮后被中断；目前为止的曲线都保留着。",
    "epoch {epoch:>2}": "第 {epoch:>2} 轮",
    "{name} loss {loss:.4f} acc {acc:5.1f}%": "{name}损失 {loss:.4f} 准确率 {acc:5.1f}%",
    "ReduceLROnPlateau lowers the rate when the validation loss stops falling, so fit needs val_loader= (a split "
    "from split_train_val). Stepping it on the test loss would tune the run on the test set.":
        "ReduceLROnPlateau 在验证损失不再下降时降低学习率，所以 fit 需要 val_loader=（用 split_train_val 划出的验证集）。"
        "按测试损失调整它，就等于在测试集上调参。",
    # --- the training panel --------------------------------------------------------------------------
    "learning rate": "学习率",
    "epochs": "轮数",
    "batch size": "批量大小",
    "optimizer": "优化器",
    "momentum": "动量",
    "seed": "随机种子",
    "Train": "训练",
    "Stop": "停止",
    "Clear runs": "清除记录",
    "Find lr": "查找学习率",
    "Run a learning-rate range test and set the slider to its suggestion": "运行学习率范围测试，并把滑块设到它建议的值",
    "progress": "进度",
    "Set the sliders, then press <b>Train</b>.": "调好滑块，然后按 <b>训练</b>。",
    "Runs cleared.": "记录已清除。",
    "Wait for the run to finish, or Stop it, before looking for a learning rate.":
        "请等这次训练结束，或先停止它，再查找学习率。",
    "Range test for {optimizer}: raising the rate batch by batch ...": "{optimizer} 的范围测试：逐个批次提高学习率……",
    "Range test over {n} batches: the loss was lowest at lr {best:.2g}, so the slider now shows a "
    "tenth of that, {lr:.2g}. Press <b>Train</b> to try it.":
        "范围测试共 {n} 个批次：学习率为 {best:.2g} 时损失最低，所以滑块现在显示它的十分之一，{lr:.2g}。"
        "按 <b>训练</b> 试试看。",
    "Training: {label} ...": "训练中：{label}……",
    "Done, but the validation accuracy stayed near chance (10%): the network stopped learning. "
    "Learning rate {lr:.2g} is likely too high; try {lower:.2g} or lower.":
        "完成了，但验证准确率一直接近随机猜测（10%）：网络不再学习了。学习率 {lr:.2g} 很可能太高，"
        "试试 {lower:.2g} 或更低的值。",
    "Done: {text}": "完成：{text}",
    "no runs yet": "还没有训练记录",
    "epoch {n}/{epochs}<br>train loss {train_loss:.3f}, accuracy {train_acc:.1f}%<br>"
    "validation loss {val_loss:.3f}, accuracy {val_acc:.1f}%<br>{seconds:.1f} s so far":
        "第 {n}/{epochs} 轮<br>训练损失 {train_loss:.3f}，准确率 {train_acc:.1f}%<br>"
        "验证损失 {val_loss:.3f}，准确率 {val_acc:.1f}%<br>目前用时 {seconds:.1f} 秒",
    "No runs yet.": "还没有训练记录。",
    "run": "序号",
    "lr": "学习率",
    "best val acc": "最佳验证准确率",
    "seconds": "秒",
    "status": "状态",
    "new": "新建",
    "running": "训练中",
    "finished": "已完成",
    "stopped": "已停止",
    "interrupted": "已中断",
    "diverged": "已发散",
    "failed": "失败",
    "optimizer must be one of {names}, got {got!r}.": "optimizer（优化器）必须是 {names} 之一，收到的是 {got!r}。",
    "momentum must be at least 0 and below 1, got {m}; 0.9 is usual.": "动量必须不小于 0 且小于 1，收到的是 {m}；通常用 0.9。",
    # --- data ----------------------------------------------------------------------------------------
    "Ways to get FashionMNIST:\n"
    "  1. Connect to the internet and run again: torchvision downloads about 30 MB into {raw}/.\n"
    "  2. On Debian or Ubuntu: sudo apt-get install dataset-fashion-mnist\n"
    "     (it puts the files in {debian}/, which is looked in automatically).\n"
    "  3. Copy the four files ({names}, plain or .gz) from a machine that has them\n"
    "     into {raw}/, or into any folder and set the environment variable {env} to it.\n"
    "     `python -m helpers --root data` on a machine that has them prepares that folder.":
        "获取 FashionMNIST 的几种方法：\n"
        "  1. 连上互联网再运行一次：torchvision 会下载约 30 MB 到 {raw}/。\n"
        "  2. 在 Debian 或 Ubuntu 上：sudo apt-get install dataset-fashion-mnist\n"
        "     （它把文件放在 {debian}/，这里会自动查找）。\n"
        "  3. 从有这些文件的机器上复制四个文件（{names}，原始或 .gz 格式）\n"
        "     到 {raw}/，或复制到任意文件夹，并把环境变量 {env} 设为该文件夹。\n"
        "     在有这些文件的机器上运行 `python -m helpers --root data` 可以准备好那个文件夹。",
    "{label}: {folder} lacks some of the four files": "{label}：{folder} 缺少四个文件中的一部分",
    "{label}: {folder} does not exist": "{label}：{folder} 不存在",
    "torchvision's download: failed ({why})": "torchvision 下载：失败（{why}）",
    "torchvision's download: not tried (download=False)": "torchvision 下载：未尝试（download=False）",
    "FashionMNIST was not found. Looked in {raw}/, then:": "没有找到 FashionMNIST。先查找了 {raw}/，然后：",
    "batch_size must be a whole number of at least 1, got {b!r}; the lesson uses 64.":
        "batch_size（批量大小）必须是不小于 1 的整数，收到的是 {b!r}；本课使用 64。",
    "batch_size {b} is larger than the {n:,} training images; choose a smaller one, e.g. 64.":
        "batch_size {b} 比 {n:,} 张训练图像还多；请选一个更小的值，例如 64。",
    "Ways to get CIFAR-10:\n"
    "  1. Connect to the internet and run again: torchvision downloads about 170 MB and unpacks it into {folder}/.\n"
    "  2. Download cifar-10-python.tar.gz from https://www.cs.toronto.edu/~kriz/cifar.html on any machine,\n"
    "     and unpack it into {root}/ (tar xzf cifar-10-python.tar.gz -C {root}), which makes {folder}/.\n"
    "  3. If a folder {name}/ is somewhere already (a shared drive, a USB stick), set the environment\n"
    "     variable {env} to it (or to the folder that holds it) before starting Jupyter.":
        "获取 CIFAR-10 的几种方法：\n"
        "  1. 连上互联网再运行一次：torchvision 会下载约 170 MB 并解压到 {folder}/。\n"
        "  2. 在任意一台机器上从 https://www.cs.toronto.edu/~kriz/cifar.html 下载 cifar-10-python.tar.gz，\n"
        "     解压到 {root}/（tar xzf cifar-10-python.tar.gz -C {root}），就会得到 {folder}/。\n"
        "  3. 如果某处已经有 {name}/ 文件夹（共享盘、U 盘），在启动 Jupyter 之前\n"
        "     把环境变量 {env} 设为它（或设为包含它的文件夹）。",
    "CIFAR-10 is not in {folder}/ and the download failed ({why}).": "{folder}/ 里没有 CIFAR-10，下载也失败了（{why}）。",
    "CIFAR-10 is not in {folder}/{extra}.": "{folder}/ 里没有 CIFAR-10{extra}。",
    " nor in {env}={value}": "，{env}={value} 里也没有",
    # --- the mistakes checker ------------------------------------------------------------------------
    "{mistake}: {evidence} Fix: {fix}": "{mistake}：{evidence}修复：{fix}",
    "No known mistake shows in this history.": "这份训练记录中看不出任何已知的错误。",
    "accuracy above 100%": "准确率超过 100%",
    "tested on the training set": "在训练集上测试",
    "last batch's loss as the epoch's": "把最后一个批次的损失当作整轮的损失",
    "mean of batch means": "对各批次均值再求平均",
    "forgotten zero_grad": "忘了 zero_grad",
    "forgotten model.eval()": "忘了 model.eval()",
    "loss on softmax outputs": "对 softmax 输出计算损失",
    "unshuffled, ordered training set": "训练集未打乱且按类别排序",
    "learning rate too high": "学习率太高",
    "training": "训练",
    "evaluation": "评估",
    "any accuracy above 100%": "任何超过 100% 的准确率",
    "a loss that is NaN or infinite, or a run fit() stopped as diverged (the rules below are then skipped)":
        "损失为 NaN 或无穷大，或者 fit() 因发散而停止的训练（此时跳过下面的规则）",
    "no loss below log(1 + (classes - 1)/e), 1.461 for 10 classes, while accuracy reaches 60%":
        "准确率达到 60% 时，损失仍从未低于 log(1 + (classes - 1)/e)（10 个类别时为 1.461）",
    "an evaluation accuracy of 95% or more, or an evaluation set that shares images with the training set (needs "
    "train_set and eval_set)":
        "评估准确率达到 95% 或以上，或者评估集与训练集有共同的图像（需要 train_set 和 eval_set）",
    "training accuracy of 50% or more in an epoch whose evaluation accuracy is 20% or less":
        "某一轮训练准确率达到 50% 或以上，而评估准确率不超过 20%",
    "the run learned (training accuracy 40% or more), then in its last epoch the training loss stood a fifth "
    "above its lowest and the training accuracy 2 points below its best":
        "训练先学到了东西（训练准确率达到 40% 或以上），然后在最后一轮，训练损失比最低值高出五分之一以上，"
        "训练准确率比最高值低 2 个百分点以上",
    "an epoch where the training loss rose by a tenth, and by 0.1 or more, while the training accuracy rose by "
    "half a point or more (unless the rule above fired)":
        "某一轮训练损失上升超过十分之一且超过 0.1，而训练准确率同时上升超过半个百分点（上一条规则已触发时除外）",
    "an evaluation accuracy that is not a whole number of images out of the evaluation set's size (needs eval_size)":
        "评估准确率乘以评估集大小不是整数张图像（需要 eval_size）",
    "a forward pass without gradients (an evaluation) in training mode, in a model with dropout or batch norm "
    "(needs the modes record_modes noted)":
        "在含有暂退法或批量规范化的模型中，有不带梯度的前向传播（即评估）在训练模式下运行（需要 record_modes 记下的模式）",
    "an accuracy of {acc:.1f}% counts more matches than there are images.":
        "准确率 {acc:.1f}% 意味着数出的“正确”次数比图像总数还多。",
    "compare predicted classes with class indices: pred.argmax(1) == y with y of shape [batch]; for "
    "one-hot targets use y.argmax(1), and divide by the number of images.":
        "用预测的类别与类别索引比较：pred.argmax(1) == y，其中 y 的形状为 [batch]；独热目标先用 y.argmax(1) 转换，"
        "再除以图像数。",
    "the loss became NaN or infinite: the steps threw the weights so far that the numbers overflowed.":
        "损失变成了 NaN 或无穷大：每一步都把权重甩得太远，数值溢出了。",
    "lower the learning rate (by 10 to start with), or find one with a range test (notebook 11).":
        "降低学习率（先除以 10），或者用范围测试找一个（笔记本 11）。",
    "the loss never went below {floor:.3f}, the floor for probabilities fed to cross-entropy, while "
    "accuracy reached {acc:.0f}%.":
        "损失从未低于 {floor:.3f}，这是把概率送进交叉熵时的下限，而准确率已达到 {acc:.0f}%。",
    "give nn.CrossEntropyLoss the raw scores (logits): remove the softmax at the end of the model; "
    "apply softmax only when you want probabilities to show.":
        "把原始得分（logits）交给 nn.CrossEntropyLoss：去掉模型末尾的 softmax；只在需要展示概率时才用 softmax。",
    "the evaluation set shares {n:,} images with the training set.":
        "评估集与训练集有 {n:,} 张图像是相同的。",
    "evaluate on images the model never trained on: a validation split, and the test set once at the end.":
        "在模型从未训练过的图像上评估：用划分出的验证集，测试集只在最后用一次。",
    "evaluation accuracy reached {acc:.1f}%; no model in this series comes near 95% on "
    "FashionMNIST images it has not trained on, so these images were seen in training.":
        "评估准确率达到了 {acc:.1f}%；本系列中没有哪个模型在没训练过的 FashionMNIST 图像上接近 95%，"
        "所以这些图像在训练中出现过。",
    "the model was right on most training batches while it trained, yet near chance on the evaluation "
    "set. The usual cause: each batch held one class, and the model learned only the class it saw "
    "last. Another with the same symptom: the evaluation images or labels are prepared differently "
    "from the training ones (another normalisation, another label order).":
        "训练时模型在大多数训练批次上都是对的，在评估集上却接近随机猜测。通常的原因：每个批次只有一个类别，"
        "模型只学会了它最后看到的那个类别。另一个原因会表现出同样的症状：评估图像或标签的处理方式与训练数据不同"
        "（另一种归一化、另一种标签顺序）。",
    "shuffle the training set: DataLoader(train_data, batch_size=64, shuffle=True). If it is shuffled, "
    "prepare the evaluation data exactly as the training data.":
        "打乱训练集：DataLoader(train_data, batch_size=64, shuffle=True)。如果已经打乱，就让评估数据的处理方式与训练数据完全一致。",
    "the model learned (training accuracy up to {acc:.0f}%), then got worse: the loss rose and the "
    "accuracy fell, as when gradients pile up across batches and every step outgrows the last.":
        "模型先学到了东西（训练准确率最高 {acc:.0f}%），然后变差了：损失上升、准确率下降，"
        "就像梯度在批次之间不断累积、每一步都比上一步更大时那样。",
    "call optimizer.zero_grad() in every batch, before loss.backward(). (If it is there, the "
    "learning rate is too high for this model.)":
        "在每个批次中、loss.backward() 之前调用 optimizer.zero_grad()。（如果已经有了，那就是学习率对这个模型太高了。）",
    "in epoch {epoch} the training loss rose by a tenth or more while the training accuracy rose too. "
    "An epoch's average can move that way (more confident wrong answers raise the loss), but rarely "
    "by so much; one batch's loss standing in for the epoch's does it all the time.":
        "第 {epoch} 轮训练损失上升了十分之一以上，而训练准确率也在上升。整轮的平均值也可能这样变化"
        "（更有把握的错误答案会抬高损失），但很少变化这么大；拿单个批次的损失充当整轮的损失，则经常如此。",
    "add each batch's loss times its size, and divide by the number of images at the end of the epoch.":
        "把每个批次的损失乘以批量大小累加起来，在一轮结束时除以图像数。",
    "an evaluation accuracy is not a whole number of images out of {size:,}: it is an average of "
    "per-batch figures, where the short last batch weighs as much as a full one.":
        "有一个评估准确率乘以 {size:,} 不是整数张图像：它是各批次数值的平均，较短的最后一个批次与完整批次权重相同。",
    "count correct predictions and images over the whole epoch, and divide once at the end "
    "(the same for the loss: sum loss x batch size).":
        "在整轮中累加预测正确的数量和图像数，最后只除一次（损失也一样：累加 损失 x 批量大小）。",
    "{n} forward passes without gradients (evaluations) ran in training mode, in a model with dropout or "
    "batch norm, which behave differently there: the evaluation figures came from a randomly thinned network.":
        "有 {n} 次不带梯度的前向传播（即评估）在训练模式下运行，而模型含有暂退法或批量规范化，这些层在训练模式下表现不同："
        "评估数字来自一个被随机丢弃了部分神经元的网络。",
    "call model.eval() before evaluating (and model.train() before training again).":
        "评估前调用 model.eval()（再次训练前调用 model.train()）。",
    # --- exercises -----------------------------------------------------------------------------------
    "Correct! ": "正确！",
    "Not yet. Hint: ": "还不对。提示：",
    "Not attempted yet: {todo}, then run this cell again.": "尚未作答：{todo}，然后再运行这个单元格。",
    "write the function above": "写好上面的函数",
    "replace the None (or ...) above with your answer": "把上面的 None（或 ...）换成你的答案",
    # --- progress ------------------------------------------------------------------------------------
    "passes": "通过",
    "not yet": "还不对",
    "not attempted": "尚未作答",
    "error": "出错",
    "not run": "未运行",
    "only where the panel trained": "只能在训练过面板的那个内核里检查",
    "no exercises": "没有练习",
    "{passed} of {total} pass ({seconds:.0f} s)": "{total} 道中通过 {passed} 道（{seconds:.0f} 秒）",
    "In all: {passed} of {total} exercises pass.": "合计：{total} 道练习中通过 {passed} 道。",
    "{passed} of {total} pass (as saved)": "{total} 道中通过 {passed} 道（按保存时的结果）",
    "learner": "学员",
    "✓ passes   · not yet   ! error   blank: not attempted or not run": "✓ 通过   · 还不对   ! 出错   空白：尚未作答或未运行",
    "No such file or folder: {path}": "没有这个文件或文件夹：{path}",
    "No progress lines in {paths}: each learner runs `python -m helpers progress --saved --json` and pastes the "
    "line it prints.": "{paths} 中没有进度行：请每位学员运行 `python -m helpers progress --saved --json --zh-CN`，"
    "再把它打印的那一行粘贴过来。",
    "No notebooks (NN_topic.ipynb) in {folder}: run this from the course folder or its notebooks folder, "
    "or name the notebooks.": "{folder} 中没有笔记本（NN_topic.ipynb）：请在课程文件夹或其 notebooks 文件夹中运行，"
    "或直接给出笔记本的路径。",
    "No such notebook: {path}": "没有这个笔记本：{path}",
    # helpers.sweeps (16_sweeps)
    "Ray Tune is not installed here. In the series' folder run: pip install -e \".[scale]\" "
    "(or pip install \"ray[tune]\"), then restart the kernel.":
        "这里没有安装 Ray Tune。请在本系列的文件夹中运行：pip install -e \".[scale]\"（或 pip install "
        "\"ray[tune]\"），然后重启内核。",
    "batch {b}": "批量大小 {b}",
    ", stopped early": "，提前停止",
    "validation accuracy (%)": "验证准确率（%）",
    "The sweep: each point a trial": "超参数搜索：每个点是一次试验",
}

from .i18n_zh_exercises import EXERCISES  # noqa: E402  (the exercises' verdicts and hints)

MESSAGES.update(EXERCISES)
